// Tables arrive with the features that need them (subscribers, sends, purchases); see migrations/.
export {};
