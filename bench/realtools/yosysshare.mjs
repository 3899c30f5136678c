// Writes the share/ folder of @yowasp/yosys to disk. The package keeps it
// inside a JavaScript module (gen/resources-yosys.js, `filesystem.share`:
// file contents as strings, larger files as URLs of files beside it),
// which Yosys' `synth` needs mounted at /share.
//
//	node yosysshare.mjs PATH/TO/resources-yosys.js OUTDIR
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [, , resources, out] = process.argv;
const { filesystem } = await import(pathToFileURL(resources));

function write(dir, tree) {
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof value === "string" || value instanceof Uint8Array) {
      writeFileSync(path, value);
    } else if (value instanceof URL) {
      copyFileSync(fileURLToPath(value), path);
    } else {
      write(path, value);
    }
  }
}

write(out, filesystem.share);
