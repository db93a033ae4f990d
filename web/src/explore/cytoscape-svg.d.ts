// cytoscape-svg ships no types: it is a cytoscape extension that adds `cy.svg(options)`.
declare module "cytoscape-svg" {
  import type { Ext } from "cytoscape";

  const extension: Ext;
  export default extension;
}
