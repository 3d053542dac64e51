/** A host buffer of either precision; one Numerics never mixes them. */
export type Buf = Float32Array | Float64Array;
