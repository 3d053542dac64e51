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
