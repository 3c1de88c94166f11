package dev.fuseflow.streams.topology;

import dev.fuseflow.schemas.avro.DeadLetterReason;
import dev.fuseflow.streams.validation.InvalidEventException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Checks each record against the contract rules and passes on only valid ones, as the
 * aggregator's typed {@link PromptEvent}; a violation is thrown as InvalidEventException and
 * dead-lettered by the processing exception handler, which has the record's original bytes.
 */
final class ValidateProcessor<V> implements Processor<String, Received<V>, String, PromptEvent> {

    private final BiConsumer<String, V> requireValid;
    private final BiFunction<V, byte[], PromptEvent> asPromptEvent;
    private ProcessorContext<String, PromptEvent> context;

    /** @param asPromptEvent the event and its Avro body as a prompt event, e.g. {@code PromptEvent.Generation::new} */
    ValidateProcessor(BiConsumer<String, V> requireValid, BiFunction<V, byte[], PromptEvent> asPromptEvent) {
        this.requireValid = requireValid;
        this.asPromptEvent = asPromptEvent;
    }

    @Override
    public void init(ProcessorContext<String, PromptEvent> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Received<V>> record) {
        String future = FutureTimestampGuard.problem(record.headers().lastHeader(FutureTimestampGuard.HEADER));
        if (future != null) {
            throw new InvalidEventException(DeadLetterReason.FUTURE_TIMESTAMP, future);
        }
        // A null value (a tombstone) reaches the validator as null: it is rejected as a missing record.
        requireValid.accept(
                record.key(), record.value() == null ? null : record.value().event());
        context.forward(record.withValue(
                asPromptEvent.apply(record.value().event(), record.value().body())));
    }
}
