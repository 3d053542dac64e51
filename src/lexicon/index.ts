/** The lexicon: WordNet concepts split into train and held-out words, and its lexicon.json. */
export {
  buildLexicon,
  LexiconError,
  type Concept,
  type CustomConcept,
  type Lexicon,
  type LexiconOptions,
  type LexiconWord,
} from "./lexicon.js";
export { readWordNet, type Synset, type Sense, type WordNet } from "./wordnet.js";
export {
  conceptOf,
  LEXICON_FILE,
  LexiconFileError,
  lexiconToFile,
  readLexiconFile,
  writeLexiconFile,
  type LexiconConcept,
  type LexiconFile,
} from "./lexicon-file.js";
