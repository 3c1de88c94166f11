package dev.fuseflow.streams.topology;

import java.util.function.BiConsumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Checks each record against the contract rules and passes on only valid ones; a violation is
 * thrown as InvalidEventException and dead-lettered by the processing exception handler, which
 * has the record's original bytes.
 */
final class ValidateProcessor<V> implements Processor<String, Received<V>, String, Object> {

    private final BiConsumer<String, V> requireValid;
    private ProcessorContext<String, Object> context;

    ValidateProcessor(BiConsumer<String, V> requireValid) {
        this.requireValid = requireValid;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Received<V>> record) {
        // A null value (a tombstone) reaches the validator as null: it is rejected as a missing record.
        requireValid.accept(record.key(), record.value() == null ? null : record.value().event());
        context.forward(record.withValue(record.value()));
    }
}
