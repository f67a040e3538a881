package org.fedspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fedspark.data.DataSpec;
import org.junit.jupiter.api.Test;

class FedConfigTest {

  @Test
  void defaultsApplyWhenKeysAreAbsent() {
    FedConfig c = FedConfig.parse("run.rounds = 7", "t.conf", List.of());
    assertEquals(7, c.getInt(Keys.ROUNDS));
    assertEquals(0.05, c.getDouble(Keys.LR));
    assertEquals("local[*]", c.getString(Keys.MASTER));
    assertEquals(DataSpec.Source.SYNTHETIC, c.getEnum(Keys.SOURCE, DataSpec.Source.class));
  }

  @Test
  void overridesWinAndAreConvertedToTheKeysType() {
    FedConfig c = FedConfig.parse("train { lr = 0.1 }\ndata.source = csv", "t.conf",
        List.of("train.lr=0.25", "data.path=hdfs://nn:8020/data/x.csv", "data.source=fashion-mnist"));
    assertEquals(0.25, c.getDouble(Keys.LR));
    assertEquals("hdfs://nn:8020/data/x.csv", c.getString(Keys.PATH));
    assertEquals(DataSpec.Source.FASHION_MNIST, c.getEnum(Keys.SOURCE, DataSpec.Source.class));
  }

  @Test
  void unknownKeyIsNamedWithASuggestion() {
    ConfigException e = assertThrows(ConfigException.class, () -> FedConfig.parse("train.lrr = 0.1", "t.conf", List.of()));
    assertTrue(e.getMessage().contains("unknown key 'train.lrr'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'train.lr'"), e.getMessage());
    assertTrue(e.getMessage().contains("t.conf"), e.getMessage());
  }

  @Test
  void badChoiceListsTheValidChoices() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> FedConfig.parse("", "t.conf", List.of("algorithm.name=fedsgd")));
    assertTrue(e.getMessage().contains("algorithm.name"), e.getMessage());
    assertTrue(e.getMessage().contains("fedavg, fedprox, fedavg-ft, local, fedper, fedrep, ditto, apfl"), e.getMessage());
  }

  @Test
  void badTypesAndRangesAreAllReportedAtOnce() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> FedConfig.parse("run.rounds = many\ntrain.client-fraction = 1.5\nspark.ui = maybe", "t.conf", List.of()));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("run.rounds"));
    assertTrue(e.getMessage().contains("train.client-fraction"));
    assertTrue(e.getMessage().contains("true or false"));
  }

  @Test
  void syntaxErrorNamesTheFile() {
    ConfigException e = assertThrows(ConfigException.class, () -> FedConfig.parse("run {", "my.conf", List.of()));
    assertTrue(e.getMessage().contains("my.conf"), e.getMessage());
  }

  @Test
  void includesAreReadThroughTheGivenReader() {
    FedConfig c = FedConfig.parse("include \"base.conf\"\nrun.rounds = 9", "top.conf", List.of(),
        name -> name.equals("base.conf") ? "run.rounds = 3\ntrain.lr = 0.5" : "");
    assertEquals(9, c.getInt(Keys.ROUNDS));
    assertEquals(0.5, c.getDouble(Keys.LR));
  }

  @Test
  void malformedOverrideIsRejected() {
    assertThrows(ConfigException.class, () -> FedConfig.parse("", "t.conf", List.of("train.lr")));
  }

  @Test
  void sparkPropertiesPassThroughVerbatim() {
    FedConfig c = FedConfig.parse("spark.conf { \"spark.driver.memory\" = 8g }", "t.conf", List.of());
    assertEquals("8g", c.sparkConf().get("spark.driver.memory"));
  }

  @Test
  void nestedSparkPropertiesAsWrittenBySetKeepTheirFullName() {
    FedConfig c = FedConfig.parse("spark.conf { \"spark.driver.memory\" = 8g }", "t.conf",
        List.of("spark.conf.spark.sql.shuffle.partitions=3"));
    assertEquals(java.util.Map.of("spark.driver.memory", "8g", "spark.sql.shuffle.partitions", "3"), c.sparkConf());
    FedConfig back = FedConfig.parse(c.render(), "rendered", List.of());
    assertEquals(c.sparkConf(), back.sparkConf());
  }

  @Test
  void wholeNumberKeysRejectFractionsInsteadOfTruncating() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> FedConfig.parse("run.seed = 2.5", "t.conf", List.of("run.rounds=1.5")));
    assertTrue(e.getMessage().contains("'run.rounds'") && e.getMessage().contains("not a whole number"), e.getMessage());
    assertTrue(e.getMessage().contains("'run.seed'"), e.getMessage());
    assertEquals(30, FedConfig.parse("run.rounds = 30.0", "t.conf", List.of()).getInt(Keys.ROUNDS));
  }

  @Test
  void nullValuesAreNamedNotThrownLater() {
    ConfigException e = assertThrows(ConfigException.class, () -> FedConfig.parse("run.rounds = null", "t.conf", List.of()));
    assertTrue(e.getMessage().contains("'run.rounds' is null"), e.getMessage());
  }

  @Test
  void aZeroStepSizeIsRejectedUpFront() {
    ConfigException e = assertThrows(ConfigException.class, () -> FedConfig.parse("", "t.conf", List.of("train.lr=0", "train.lr-decay=0")));
    assertTrue(e.getMessage().contains("'train.lr'") && e.getMessage().contains("'train.lr-decay'"), e.getMessage());
  }

  @Test
  void renderWritesNumbersFromSetAsNumbers() {
    String r = FedConfig.parse("", "t.conf", List.of("run.rounds=30", "train.lr=0.25", "spark.ui=true")).render();
    assertTrue(r.contains("run.rounds = 30\n") && r.contains("train.lr = 0.25\n") && r.contains("spark.ui = true\n"), r);
  }

  @Test
  void renderedConfigParsesBackToTheSameValues() {
    FedConfig c = FedConfig.parse("run.rounds = 3\nalgorithm.name = fedprox\nfedprox.mu = 0.5", "t.conf", List.of());
    FedConfig back = FedConfig.parse(c.render(), "rendered", List.of());
    for (ConfigKey k : Keys.ALL) {
      assertEquals(String.valueOf(c.getString(k)), String.valueOf(back.getString(k)), k.path());
    }
  }

  @Test
  void everyKeyIsDocumentedAndDefaultIsValid() {
    FedConfig d = FedConfig.defaultsOnly();
    for (ConfigKey k : Keys.ALL) {
      assertTrue(k.doc().length() > 10, k.path());
      d.getString(k);
    }
  }
}
