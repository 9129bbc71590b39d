// Types of bundle-size.mjs (plain JavaScript, so `npm run build` runs it without a compiler).
export declare const MAIN_CHUNK_MAX_GZIP_BYTES: number;
export declare const CHART_CHUNK_MAX_GZIP_BYTES: number;
export interface BundleFigure {
  /** Asset paths inside the build directory, such as "assets/index-….js". */
  files: string[];
  gzipBytes: number;
  maxGzipBytes?: number;
}
export declare function bundleSizes(dist: string): {
  main: BundleFigure & { maxGzipBytes: number };
  initial: BundleFigure;
  chart: BundleFigure & { maxGzipBytes: number };
};
