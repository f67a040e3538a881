package org.fedspark.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading Zeppelin notes, and the stand-in {@code z} refusing what Zeppelin would not show or select. */
class ZeppelinNoteTest {
  @TempDir
  Path tmp;

  private Path note(String json) throws Exception {
    Path p = tmp.resolve("n.zpln");
    Files.writeString(p, json);
    return p;
  }

  @Test
  void paragraphsKeepOrderTitlesAndInterpreters() throws Exception {
    ZeppelinNote n = ZeppelinNote.read(note("""
        {"name": "t", "defaultInterpreterGroup": "spark", "paragraphs": [
          {"id": "a", "title": "About", "text": "%md\\n# hi"},
          {"id": "b", "text": "  %spark\\nval x = 1\\nx + 1"},
          {"id": "c", "title": "No directive", "text": "println(2)"}]}"""));
    assertEquals("t", n.name());
    assertEquals(List.of("md", "spark", "spark"), n.paragraphs().stream().map(ZeppelinNote.Paragraph::interpreter).toList());
    assertEquals("val x = 1\nx + 1", n.paragraphs().get(1).code());
    assertEquals("println(2)", n.paragraphs().get(2).code());
    assertEquals("paragraph 3 'No directive'", n.paragraphs().get(2).label());
    assertEquals("paragraph 2", n.paragraphs().get(1).label());
  }

  @Test
  void whatZeppelinCannotImportIsRefusedNamingFileAndParagraph() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ZeppelinNote.read(note(
        "{\"name\": \"t\", \"paragraphs\": [{\"id\": \"a\", \"text\": \"1\"}, {\"id\": \"a\", \"text\": \"2\"}]}")));
    assertTrue(e.getMessage().contains("n.zpln, paragraph 2") && e.getMessage().contains("'a'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ZeppelinNote.read(note("{\"name\": \"t\", \"paragraphs\": [")));
    assertTrue(e.getMessage().startsWith("n.zpln is not valid JSON"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ZeppelinNote.read(note("{\"paragraphs\": []}")));
    assertTrue(e.getMessage().contains("no \"name\""), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ZeppelinNote.read(note("{\"name\": \"t\", \"paragraphs\": [{\"id\": \"a\"}]}")));
    assertTrue(e.getMessage().contains("paragraph 1: no \"text\""), e.getMessage());
  }

  @Test
  void standInFormsReturnTheTypedValueElseTheDefault() {
    StandInZeppelinContext z = new StandInZeppelinContext(Map.of("rounds", "3", "codec", "b"));
    assertEquals("3", z.textbox("rounds", "30"));
    assertEquals("x", z.input("other", "x"));
    scala.collection.immutable.Seq<scala.Tuple2<Object, String>> options = scala.jdk.javaapi.CollectionConverters.asScala(
        List.of(new scala.Tuple2<Object, String>("a", "A"), new scala.Tuple2<Object, String>("b", "B"))).toList();
    assertEquals("b", z.select("codec", options, "a"));
    assertEquals("a", z.select("unset", options, "a"));
    assertThrows(IllegalArgumentException.class, () -> z.select("unset", options, "c"));
    assertEquals(Map.of("rounds", "3", "other", "x", "codec", "b", "unset", "a"), z.formsRead());
    assertThrows(IllegalArgumentException.class, () -> z.show(List.of(1, 2)), "only a DataFrame is shown as a table");
  }
}
