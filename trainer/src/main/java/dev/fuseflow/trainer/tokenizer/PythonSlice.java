package dev.fuseflow.trainer.tokenizer;

import com.hubspot.jinjava.el.ext.AstRangeBracket;
import com.hubspot.jinjava.objects.SafeString;
import com.hubspot.jinjava.objects.collections.PyList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.PropertyNotFoundException;

/**
 * {@code value[start:stop:step]} with Python's semantics, for lists and strings: any part may be
 * left out, negative indices count from the end, bounds are clamped, and a negative step walks
 * backwards ({@code messages[::-1]}, as Qwen3's template reverses the conversation). Jinjava's own
 * {@code [start:stop]} has no step; {@link PythonSliceParser} builds this node for every slice.
 */
final class PythonSlice extends AstRangeBracket {

    private final AstNode step;

    PythonSlice(AstNode base, AstNode start, AstNode stop, AstNode step, boolean strict, boolean ignoreReturnType) {
        super(base, start, stop, false, strict, ignoreReturnType);
        this.step = step;
    }

    @Override
    public Object eval(Bindings bindings, ELContext context) {
        Object base = prefix.eval(bindings, context);
        if (base == null) {
            throw new PropertyNotFoundException("cannot slice " + prefix + ": it is undefined");
        }
        Integer start = index(property, bindings, context);
        Integer stop = index(rangeMax, bindings, context);
        Integer by = index(step, bindings, context);
        if (base instanceof String || base instanceof SafeString) {
            int[] codePoints = base.toString().codePoints().toArray();
            int[] picked = indices(codePoints.length, start, stop, by);
            StringBuilder out = new StringBuilder();
            for (int i : picked) {
                out.appendCodePoint(codePoints[i]);
            }
            return out.toString();
        }
        List<?> items = asList(base);
        List<Object> out = new ArrayList<>();
        for (int i : indices(items.size(), start, stop, by)) {
            out.add(items.get(i));
        }
        return new PyList(out);
    }

    /**
     * The indices {@code range(len)[start:stop:step]} selects, as CPython's {@code
     * PySlice_AdjustIndices} computes them; null stands for a part left out.
     */
    static int[] indices(int length, Integer start, Integer stop, Integer step) {
        int by = step == null ? 1 : step;
        if (by == 0) {
            throw new ELException("slice step cannot be zero");
        }
        int from = adjust(start, length, by, by > 0 ? 0 : length - 1);
        int to = adjust(stop, length, by, by > 0 ? length : -1);
        int count = by > 0 ? (to > from ? (to - from + by - 1) / by : 0) : (from > to ? (from - to - by - 1) / -by : 0);
        int[] picked = new int[count];
        for (int k = 0; k < count; k++) {
            picked[k] = from + k * by;
        }
        return picked;
    }

    private static int adjust(Integer index, int length, int step, int absent) {
        if (index == null) {
            return absent;
        }
        int i = index < 0 ? index + length : index;
        if (i < 0) {
            return step < 0 ? -1 : 0;
        }
        if (i >= length) {
            return step < 0 ? length - 1 : length;
        }
        return i;
    }

    private static Integer index(AstNode node, Bindings bindings, ELContext context) {
        if (node == null) {
            return null;
        }
        Object value = node.eval(bindings, context);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Long || value instanceof Integer)) {
            throw new ELException("slice indices must be integers or None, not '" + value + "'");
        }
        return ((Number) value).intValue();
    }

    private static List<?> asList(Object base) {
        if (base instanceof List<?> list) {
            return list;
        }
        if (base instanceof Object[] array) {
            return Arrays.asList(array);
        }
        if (base instanceof Iterable<?> iterable) {
            List<Object> items = new ArrayList<>();
            iterable.forEach(items::add);
            return items;
        }
        throw new ELException("'" + base.getClass().getSimpleName() + "' object is not subscriptable with a slice");
    }

    @Override
    public String toString() {
        return "[::]";
    }
}
