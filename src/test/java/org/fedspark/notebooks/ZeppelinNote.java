package org.fedspark.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Zeppelin note as Zeppelin 0.9+ stores it ({@code .zpln}: JSON with {@code name}, {@code id} and a list
 * of {@code paragraphs}, each with an {@code id}, an optional {@code title} and its {@code text}, whose
 * first line names the interpreter, e.g. {@code %spark}; a paragraph without one uses the note's
 * {@code defaultInterpreterGroup}).
 */
record ZeppelinNote(String file, String name, List<Paragraph> paragraphs) {

  /** One paragraph: its position in the note (from 1, as Zeppelin shows it), interpreter and code. */
  record Paragraph(int index, String id, String title, String interpreter, String code) {
    /** How a failure names it: "paragraph 3 'Run a simulation'". */
    String label() {
      return "paragraph " + index + (title.isEmpty() ? "" : " '" + title + "'");
    }
  }

  /**
   * Reads a note, checking what Zeppelin's import needs: valid JSON, a name, paragraphs with distinct
   * ids and a text each.
   *
   * @throws IllegalArgumentException naming the file and the paragraph when one of these is missing
   */
  static ZeppelinNote read(Path path) throws IOException {
    String file = path.getFileName().toString();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(path));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    String name = root.path("name").asText("");
    if (name.isEmpty()) {
      throw new IllegalArgumentException(file + ": the note has no \"name\"");
    }
    String defaultGroup = root.path("defaultInterpreterGroup").asText("spark");
    JsonNode ps = root.path("paragraphs");
    if (!ps.isArray() || ps.isEmpty()) {
      throw new IllegalArgumentException(file + ": the note has no \"paragraphs\"");
    }
    List<Paragraph> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < ps.size(); i++) {
      JsonNode p = ps.get(i);
      String where = file + ", paragraph " + (i + 1);
      String id = p.path("id").asText("");
      if (id.isEmpty() || !ids.add(id)) {
        throw new IllegalArgumentException(where + ": missing or repeated paragraph \"id\" '" + id + "'");
      }
      if (!p.path("text").isTextual()) {
        throw new IllegalArgumentException(where + ": no \"text\"");
      }
      String text = p.get("text").asText();
      String interpreter = defaultGroup;
      String code = text;
      String first = text.stripLeading();
      if (first.startsWith("%")) {
        int end = first.indexOf('\n');
        interpreter = (end < 0 ? first : first.substring(0, end)).substring(1).trim();
        code = end < 0 ? "" : first.substring(end + 1);
      }
      out.add(new Paragraph(i + 1, id, p.path("title").asText(""), interpreter, code));
    }
    return new ZeppelinNote(file, name, List.copyOf(out));
  }
}
