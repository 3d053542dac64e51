/** The normalised model configuration, defined where io/ parses it (io/model-config.ts). */
export * from "../io/model-config.js";
