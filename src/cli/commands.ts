/** Every CLI command module, imported for its `register` side effect. One line per command. */
import "./awareness-validate.js";
