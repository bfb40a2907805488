// esbuild turns `import "./widget.css"` into the emitted widget.css.
declare module "*.css";
