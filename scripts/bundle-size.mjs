// Prints the sizes of the built app that a cold start pays for, gzipped, and exits 1 when one is
// over its budget (issue 14): the main chunk (the entry script index.html loads), everything
// index.html has the browser fetch before the first screen (the entry and the chunks it
// modulepreloads), and the report's chart: the report screen's chunk it is drawn in, with the
// chunks that screen needs beyond those (everything the report costs, not only the chart).
//   node scripts/bundle-size.mjs [dist] [--json]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** kB as Vite prints them: 1,000 bytes. */
export const MAIN_CHUNK_MAX_GZIP_BYTES = 130_000;
export const CHART_CHUNK_MAX_GZIP_BYTES = 40_000;

const gzipped = (file) => gzipSync(readFileSync(file)).length;

/** The chunks a chunk imports statically (`import … from"./x.js"`, `import"./x.js"`), by file name. */
function staticImports(file) {
  const code = readFileSync(file, 'utf8');
  const names = new Set();
  for (const match of code.matchAll(
    /\bimport\s*(?:[\w*${}\s,]+?\s*from\s*)?["']\.\/([\w.-]+\.js)["']/g,
  ))
    names.add(match[1]);
  return [...names];
}

/** The chunk and everything it imports statically, transitively: asset paths like "assets/x.js". */
function withStaticImports(dist, asset) {
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const imported of staticImports(path.join(dist, name)))
      visit(path.posix.join(path.posix.dirname(name), imported));
  };
  visit(asset);
  return seen;
}

function attributesOf(html, tagPattern, name) {
  return [...html.matchAll(tagPattern)].map((tag) => {
    const value = new RegExp(`\\s${name}="([^"]*)"`).exec(tag[0])?.[1];
    if (!value) throw new Error(`no ${name} in ${tag[0]}`);
    return value.replace(/^\//, '');
  });
}

/** The figures, in gzipped bytes, and the files each one counts. */
export function bundleSizes(dist) {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const entries = attributesOf(html, /<script\s[^>]*type="module"[^>]*>/g, 'src');
  if (entries.length !== 1) throw new Error(`index.html loads ${entries.length} module scripts`);
  const main = entries[0];
  const preloads = attributesOf(html, /<link\s[^>]*rel="modulepreload"[^>]*>/g, 'href');
  const initial = new Set([...withStaticImports(dist, main), ...preloads]);
  const charts = readdirSync(path.join(dist, 'assets')).filter((name) =>
    /^ReportScreen-[\w-]+\.js$/.test(name),
  );
  if (charts.length !== 1) throw new Error(`${charts.length} ReportScreen chunks in assets/`);
  const chart = `assets/${charts[0]}`;
  // The chart's SVG marks each hour's bars with data-hour: the chart is drawn by this chunk.
  if (!readFileSync(path.join(dist, chart), 'utf8').includes('data-hour'))
    throw new Error(`${chart} does not hold the hourly chart`);
  const chartFiles = [...withStaticImports(dist, chart)].filter((name) => !initial.has(name));
  const sum = (files) =>
    [...files].reduce((total, name) => total + gzipped(path.join(dist, name)), 0);
  return {
    main: { files: [main], gzipBytes: sum([main]), maxGzipBytes: MAIN_CHUNK_MAX_GZIP_BYTES },
    initial: { files: [...initial].sort(), gzipBytes: sum(initial) },
    chart: {
      files: chartFiles,
      gzipBytes: sum(chartFiles),
      maxGzipBytes: CHART_CHUNK_MAX_GZIP_BYTES,
    },
  };
}

const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB`;

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dist = path.resolve(args.find((arg) => !arg.startsWith('--')) ?? 'dist');
  const sizes = bundleSizes(dist);
  if (args.includes('--json')) console.log(JSON.stringify(sizes, null, 2));
  else {
    const row = (label, figure) =>
      `${label.padEnd(50)}${kB(figure.gzipBytes).padStart(10)} gzip${
        figure.maxGzipBytes ? `   budget ${kB(figure.maxGzipBytes)}` : ''
      }   ${figure.files.length} file${figure.files.length === 1 ? '' : 's'}`;
    console.log(`\nBundle sizes (${path.relative(process.cwd(), dist) || '.'})`);
    console.log(row(`main chunk (${sizes.main.files[0]})`, sizes.main));
    console.log(row('before the first screen (entry + preloads)', sizes.initial));
    console.log(row('report screen and its chart (beyond the above)', sizes.chart));
  }
  const over = ['main', 'chart'].filter((key) => sizes[key].gzipBytes > sizes[key].maxGzipBytes);
  for (const key of over)
    console.error(
      `${key}: ${kB(sizes[key].gzipBytes)} gzipped is over its ${kB(sizes[key].maxGzipBytes)} budget`,
    );
  process.exit(over.length > 0 ? 1 : 0);
}
