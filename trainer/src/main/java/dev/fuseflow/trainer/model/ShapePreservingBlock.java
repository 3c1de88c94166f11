package dev.fuseflow.trainer.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;

/** A block whose output has the shape of its first input (norms, attention, MLPs, decoder layers). */
public abstract class ShapePreservingBlock extends AbstractBlock {

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
