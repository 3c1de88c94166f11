package dev.fuseflow.streams.bench;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * What this JVM (broker, applications, benchmark) had spent at one moment: CPU time, garbage
 * collection time, bytes allocated. The difference of two tells what a run cost the machine, which
 * explains a rate when both cores are busy.
 */
record MachineCost(long cpuNanos, long gcMillis, long allocatedBytes) {

    private static final OperatingSystemMXBean PROCESS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    static MachineCost now() {
        long gc = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime)
                .sum();
        return new MachineCost(PROCESS.getProcessCpuTime(), gc, THREADS.getTotalThreadAllocatedBytes());
    }

    /** "12.3 CPU us/event (1.81 cores busy), GC 120 ms, 9,400 bytes allocated/event" since {@code start}. */
    String describeSince(MachineCost start, long events, double seconds) {
        double cpu = (cpuNanos - start.cpuNanos) / 1e9;
        return String.format(
                Locale.ROOT,
                "%.1f CPU us/event (%.2f cores busy), GC pauses %d ms, %,d bytes allocated/event",
                cpu * 1e6 / events,
                cpu / seconds,
                gcMillis - start.gcMillis,
                (allocatedBytes - start.allocatedBytes) / events);
    }
}
