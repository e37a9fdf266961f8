declare module 'virtual:drumbeat/site' {
  const site: import('./lib/site.ts').SiteConfig;
  export default site;
}
