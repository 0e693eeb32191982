package dev.lrfinder.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A suggestion is a value: equal when every field is, NaN included, as a record would be. */
class SuggestionTest {

    private static final Suggestion S = new Suggestion("valley", 0.01, 3, 0.1, 2);

    @Test
    void equalFieldsAreEqualAndHashAlike() {
        Suggestion same = new Suggestion("valley", 0.01, 3, 0.1, 2);
        assertEquals(S, same);
        assertEquals(S.hashCode(), same.hashCode());
        Suggestion nan = new Suggestion("valley", 0.01, 3, 0.1, Double.NaN);
        assertEquals(nan, new Suggestion("valley", 0.01, 3, 0.1, Double.NaN));
        assertEquals(new Suggestion(null, 1, 0, 1, 1), new Suggestion(null, 1, 0, 1, 1));
    }

    @Test
    void eachFieldTellsSuggestionsApart() {
        List<Suggestion> others =
                List.of(
                        new Suggestion("minimum", 0.01, 3, 0.1, 2),
                        new Suggestion("valley", 0.02, 3, 0.1, 2),
                        new Suggestion("valley", 0.01, 4, 0.1, 2),
                        new Suggestion("valley", 0.01, 3, 0.2, 2),
                        new Suggestion("valley", 0.01, 3, 0.1, 2.5),
                        new Suggestion(null, 0.01, 3, 0.1, 2));
        for (Suggestion other : others) {
            assertNotEquals(S, other, other.toString());
            assertNotEquals(other, S, other.toString());
            assertNotEquals(S.hashCode(), other.hashCode(), other.toString());
        }
        assertNotEquals(S, "valley");
        assertNotEquals(S, null);
    }

    @Test
    void theAccessorsReturnWhatTheAnalysisGave() {
        assertEquals("valley", S.rule());
        assertEquals(0.01, S.learningRate(), 0);
        assertEquals(3, S.index());
        assertEquals(0.1, S.pointLearningRate(), 0);
        assertEquals(2, S.smoothedLoss(), 0);
    }
}
