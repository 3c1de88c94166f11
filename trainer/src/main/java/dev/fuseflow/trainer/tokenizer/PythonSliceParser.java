package dev.fuseflow.trainer.tokenizer;

import static jinjava.de.odysseus.el.tree.impl.Builder.Feature.IGNORE_RETURN_TYPE;
import static jinjava.de.odysseus.el.tree.impl.Builder.Feature.METHOD_INVOCATIONS;
import static jinjava.de.odysseus.el.tree.impl.Builder.Feature.NULL_PROPERTIES;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.COLON;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.COMMA;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.DOT;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.EXTENSION;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.IDENTIFIER;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.LBRACK;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.LPAREN;
import static jinjava.de.odysseus.el.tree.impl.Scanner.Symbol.RBRACK;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.AstNamedParameter;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import java.util.ArrayList;
import java.util.List;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner.ScanException;
import jinjava.de.odysseus.el.tree.impl.Scanner.Symbol;
import jinjava.de.odysseus.el.tree.impl.ast.AstBracket;
import jinjava.de.odysseus.el.tree.impl.ast.AstDot;
import jinjava.de.odysseus.el.tree.impl.ast.AstIdentifier;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstParameters;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;

/**
 * Jinjava's expression parser, taught what jinja2 parses differently from Jinjava 2.8, with no
 * hook to change it short of the parser itself:
 *
 * <ul>
 *   <li>the three-part slice {@code [start:stop:step]} (Jinjava parses {@code [start:stop]}
 *       only): {@link #value()} is Jinjava's own with the slice branch extended, and every slice
 *       becomes a {@link PythonSlice};
 *   <li>a keyword argument's value is a whole expression, as in Python: Jinjava parses {@code =}
 *       as an operator as tight as {@code +}, so {@code namespace(last=messages|length - 1)}
 *       subtracted 1 from the keyword argument itself;
 *   <li>a filter or test the engine does not have refuses the template, as in jinja2.
 * </ul>
 *
 * Filters and tests are parsed by {@code ExtendedParser}'s natural operator precedence, which
 * {@link TransformersJinja} always enables; the legacy precedence (filters parsed inside {@code
 * value()}) is not supported here.
 */
final class PythonSliceParser extends ExtendedParser {

    /** What JUEL instantiates per expression: this parser instead of {@code ExtendedParser}. */
    static final class SyntaxBuilder extends ExtendedSyntaxBuilder {

        private static final long serialVersionUID = 1L;

        SyntaxBuilder(Feature... features) {
            super(features);
        }

        @Override
        protected Parser createParser(String expression) {
            return new PythonSliceParser(this, expression);
        }
    }

    PythonSliceParser(Builder context, String input) {
        super(context, input);
    }

    @Override
    protected AstNode value() throws ScanException, ParseException {
        boolean lvalue = true;
        AstNode v = nonliteral();
        if (v == null) {
            v = literal();
            if (v == null) {
                return null;
            }
            lvalue = false;
        }
        while (true) {
            if (getToken().getSymbol() == DOT) {
                consumeToken();
                AstDot dot = createAstDot(v, consumeToken(IDENTIFIER).getImage(), lvalue);
                v = getToken().getSymbol() == LPAREN && context.isEnabled(METHOD_INVOCATIONS)
                        ? createAstMethod(dot, params())
                        : dot;
            } else if (getToken().getSymbol() == LBRACK) {
                consumeToken();
                v = bracket(v, lvalue);
            } else {
                return v;
            }
        }
    }

    @Override
    protected AstParameters params(Symbol left, Symbol right) throws ScanException, ParseException {
        consumeToken(left);
        List<AstNode> arguments = new ArrayList<>();
        AstNode first = argument(false);
        if (first != null) {
            arguments.add(first);
            while (getToken().getSymbol() == COMMA) {
                consumeToken();
                arguments.add(argument(true));
            }
        }
        consumeToken(right);
        return createAstParameters(arguments);
    }

    /** {@code name=expression} as a keyword argument, else a positional expression. */
    private AstNode argument(boolean required) throws ScanException, ParseException {
        if (getToken().getSymbol() == IDENTIFIER
                && lookahead(0).getSymbol() == EXTENSION
                && "=".equals(lookahead(0).getImage())) {
            AstIdentifier name = identifier(consumeToken().getImage());
            consumeToken();
            return new AstNamedParameter(name, expr(true));
        }
        return expr(required);
    }

    /**
     * Filters and tests are looked up by name when the expression runs; Jinjava renders a name it
     * does not know (jinja2's {@code items} in Jinjava 2.8) as nothing, without an error, where
     * jinja2 refuses the template. These identifiers refuse it too, naming the filter or test.
     */
    @Override
    protected AstIdentifier createAstIdentifier(String name, int index) {
        if (name.startsWith(FILTER_PREFIX) || name.startsWith(EXPTEST_PREFIX)) {
            return new LibraryName(name, index, context.isEnabled(IGNORE_RETURN_TYPE));
        }
        return super.createAstIdentifier(name, index);
    }

    private static final class LibraryName extends AstIdentifier {

        LibraryName(String name, int index, boolean ignoreReturnType) {
            super(name, index, ignoreReturnType);
        }

        @Override
        public Object eval(Bindings bindings, ELContext context) {
            Object entry = super.eval(bindings, context);
            if (entry == null) {
                String kind = getName().startsWith(FILTER_PREFIX) ? "filter" : "test";
                throw new ELException("the template uses the " + kind + " '"
                        + getName().substring(getName().indexOf(':') + 1)
                        + "', which FuseFlow's Jinja engine (Jinjava) does not have");
            }
            return entry;
        }
    }

    /** After {@code [}: an index ({@code [i]}, perhaps called) or a slice with an optional step. */
    private AstNode bracket(AstNode base, boolean lvalue) throws ScanException, ParseException {
        AstNode start = expr(false);
        boolean strict = !context.isEnabled(NULL_PROPERTIES);
        if (getToken().getSymbol() == RBRACK) {
            consumeToken();
            AstBracket bracket = createAstBracket(base, start, lvalue, strict);
            return getToken().getSymbol() == LPAREN && context.isEnabled(METHOD_INVOCATIONS)
                    ? createAstMethod(bracket, params())
                    : bracket;
        }
        consumeToken(COLON);
        AstNode stop = expr(false);
        AstNode step = null;
        if (getToken().getSymbol() == COLON) {
            consumeToken();
            step = expr(false);
        }
        consumeToken(RBRACK);
        return new PythonSlice(base, start, stop, step, strict, context.isEnabled(IGNORE_RETURN_TYPE));
    }
}
