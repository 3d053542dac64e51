/** Every CLI command module, imported for its `register` side effect. One line per command. */
import "./awareness-validate.js";
import "./awareness-run.js";
import "./awareness-judge.js";
import "./awareness-report.js";
import "./generate.js";
import "./model-info.js";
import "./start.js";
import "./serve.js";
import "./organism-build.js";
import "./organism-eval.js";
import "./zoo-list.js";
import "./sae-train.js";
import "./sae-label.js";
import "./sae-eval.js";
import "./audit.js";
import "./sweep.js";
import "./worker.js";
