// Set "j" (held out, written blind to the judges): the held-out sets' data checks
// (held-out-set.ts) against sets a–i and k. No judge is run here.
import { describe } from "vitest";
import { TEMPLATES_J } from "../../src/awareness/synthetic-templates-j.js";
import { heldOutSetTests } from "./held-out-set.js";

describe("synthetic set j", () => heldOutSetTests("j", TEMPLATES_J));
