// Builds the two pages into service/http/dist/ (package data of the service): graphiql.html
// (served at /graphql) and explore.html (at /explore), with hashed assets in dist/assets, which
// service/http/pages.py serves at /static/assets/.
import { resolve } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/static/",
  build: {
    outDir: resolve(import.meta.dirname, "../service/http/dist"),
    emptyOutDir: true,
    assetsDir: "assets",
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        graphiql: resolve(import.meta.dirname, "graphiql.html"),
        explore: resolve(import.meta.dirname, "explore.html"),
      },
      onwarn(warning, warn) {
        // React libraries mark their modules "use client"; that means nothing in a static bundle.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev` against a running API (make up): the pages at /static/graphiql.html and
    // /static/explore.html, GraphQL requests forwarded to it.
    proxy: { "/graphql": `http://127.0.0.1:${process.env.API_PORT ?? "8000"}` },
  },
});
