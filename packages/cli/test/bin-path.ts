// The `faultline` command as users run it: the committed bin file that npm links.
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/faultline.js", import.meta.url));
