package io.clickstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./analytics prerequisites} (the start of {@code ./analytics test}) on a fake machine: a
 * PATH of shell scripts standing in for apt-get, id, chromium, node and npm, each logging how it
 * was called. The fake apt-get "installs" a package by copying its commands onto that PATH, so no
 * test touches the real system.
 */
class TestPrerequisitesTest {

  private static final Path SCRIPT =
      Path.of(System.getProperty("user.dir"), "../../analytics").normalize();

  /** The only commands outside bash that the script runs before its prerequisites. */
  private static final List<String> REAL_TOOLS = List.of("dirname");

  @TempDir Path machine;
  private Path bin;
  private Path packages;
  private Path calls;

  @BeforeEach
  void emptyMachine() throws IOException {
    bin = Files.createDirectory(machine.resolve("bin"));
    packages = Files.createDirectory(machine.resolve("packages"));
    calls = Files.createFile(machine.resolve("calls.log"));
    Path tools = Files.createDirectory(machine.resolve("tools"));
    for (String tool : REAL_TOOLS) {
      Path real = Path.of("/usr/bin", tool);
      Files.createSymbolicLink(
          tools.resolve(tool), Files.exists(real) ? real : Path.of("/bin", tool));
    }
    command(
        bin,
        "apt-get",
        """
        [ "$1" = install ] || exit 0
        for package; do
          if [ -e "%1$s/$package.conflicts" ]; then
            echo 'E: Unable to correct problems, you have held broken packages.' >&2
            exit 100
          fi
          [ -d "%1$s/$package" ] && /bin/cp "%1$s/$package"/* "%2$s"/
        done
        exit 0
        """
            .formatted(packages, bin));
  }

  @Test
  void withChromiumMissingOnlyChromiumIsInstalledAndNodesourcesNodeIsLeftAlone() throws Exception {
    root();
    working(bin, "node", "npm");
    inPackage("chromium", "chromium");
    // What broke the build: Debian's npm conflicts with NodeSource's nodejs.
    Files.createFile(packages.resolve("npm.conflicts"));
    Files.createFile(packages.resolve("nodejs.conflicts"));

    Result result = prerequisites();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.aptGetCalls())
        .containsExactly("apt-get update -qq", "apt-get install -y -qq chromium");
    assertThat(result.calls()).contains("chromium --version");
  }

  @Test
  void withNodeMissingNodejsIsInstalledAndNpmToo() throws Exception {
    root();
    working(bin, "chromium");
    inPackage("nodejs", "node");
    inPackage("npm", "npm");

    Result result = prerequisites();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.aptGetCalls())
        .containsExactly(
            "apt-get update -qq", "apt-get install -y -qq nodejs", "apt-get install -y -qq npm");
    assertThat(result.calls()).contains("node --version", "npm --version");
  }

  @Test
  void withNodeMissingANodejsThatBringsNpmIsInstalledAlone() throws Exception {
    root();
    working(bin, "chromium");
    inPackage("nodejs", "node", "npm");
    Files.createFile(packages.resolve("npm.conflicts"));

    Result result = prerequisites();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.aptGetCalls())
        .containsExactly("apt-get update -qq", "apt-get install -y -qq nodejs");
  }

  @Test
  void withEverythingWorkingAptGetIsNeverCalled() throws Exception {
    root();
    working(bin, "chromium", "node", "npm");

    Result result = prerequisites();

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.aptGetCalls()).isEmpty();
    assertThat(result.output()).isEmpty();
  }

  @Test
  void notAsRootItFailsNamingWhatToInstallAndNeverCallsAptGet() throws Exception {
    command(bin, "id", "echo 1000");
    working(bin, "node", "npm");

    Result result = prerequisites();

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.output()).contains("need chromium", "sudo apt-get install chromium");
    assertThat(result.aptGetCalls()).isEmpty();
  }

  @Test
  void withoutAptGetItFailsNamingWhatToInstall() throws Exception {
    root();
    Files.delete(bin.resolve("apt-get"));
    working(bin, "chromium");

    Result result = prerequisites();

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.output())
        .contains(
            "need nodejs",
            "sudo apt-get install nodejs, then sudo apt-get install npm if npm --version still fails");
  }

  @Test
  void anInstallThatLeavesNoWorkingChromiumFailsNamingTheFix() throws Exception {
    root();
    working(bin, "node", "npm");
    Path chromium = Files.createDirectory(packages.resolve("chromium"));
    command(chromium, "chromium", "exit 1");

    Result result = prerequisites();

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.output())
        .contains(
            "chromium --version still fails after apt-get installed chromium",
            "sudo apt-get install --reinstall chromium");
  }

  @Test
  void aFailedAptGetInstallFailsNamingWhatToInstallByHand() throws Exception {
    root();
    working(bin, "chromium", "node");
    Files.createFile(packages.resolve("npm.conflicts"));

    Result result = prerequisites();

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.output()).contains("held broken packages", "install npm by hand");
    assertThat(result.aptGetCalls())
        .containsExactly("apt-get update -qq", "apt-get install -y -qq npm");
  }

  private void root() throws IOException {
    command(bin, "id", "echo 0");
  }

  /** Commands that answer {@code --version}, in {@code dir}. */
  private void working(Path dir, String... names) throws IOException {
    for (String name : names) {
      command(dir, name, "echo '" + name + " 1.0'");
    }
  }

  /** A package the fake apt-get can install, bringing these working commands. */
  private void inPackage(String name, String... commands) throws IOException {
    working(Files.createDirectory(packages.resolve(name)), commands);
  }

  /** A shell script that logs its call, then runs {@code body}. */
  private void command(Path dir, String name, String body) throws IOException {
    Path script = dir.resolve(name);
    Files.writeString(
        script, "#!/bin/sh\necho \"" + name + " $*\" >> '" + calls + "'\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private Result prerequisites() throws IOException, InterruptedException {
    Path output = machine.resolve("output.txt");
    ProcessBuilder command =
        new ProcessBuilder("/bin/bash", SCRIPT.toString(), "prerequisites")
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // The fake commands only: the real node and npm in /usr/bin must stay out of sight.
    command.environment().put("PATH", bin + ":" + machine.resolve("tools"));
    Process bash = command.start();
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).as("analytics prerequisites finished").isTrue();
    return new Result(
        bash.exitValue(),
        Files.readString(output, StandardCharsets.UTF_8),
        Files.readAllLines(calls, StandardCharsets.UTF_8));
  }

  private record Result(int exitCode, String output, List<String> calls) {

    List<String> aptGetCalls() {
      return calls.stream().filter(call -> call.startsWith("apt-get ")).toList();
    }

    @Override
    public String toString() {
      return "exit "
          + exitCode
          + "\n--- output\n"
          + output
          + "--- calls\n"
          + String.join("\n", calls);
    }
  }
}
