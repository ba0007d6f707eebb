// Maven's own version order (org.apache.maven.artifact.versioning.ComparableVersion)
// as an oracle for levee-versions' Maven scheme. Not used by any test: the
// fixture it checks (crates/levee-versions/tests/fixtures/ordering/maven.txt)
// is plain text, so the tests need no Java.
//
// Needs a maven-artifact jar on the class path (any of 3.8.7 .. 3.9.x: their
// ComparableVersion classes are the same code; MNG-7644 landed in 3.8.7 and
// 3.9.0). On Debian: /usr/share/java/maven3-artifact.jar (package
// libmaven3-core-java).
//
//   J=/usr/share/java/maven3-artifact.jar
//   # check every "A OP B" line of fixture files (both directions):
//   java -cp $J bench/MavenOrder.java check crates/levee-versions/tests/fixtures/ordering/maven.txt
//   # write "A OP B" for each line "A B" read from stdin (how the fixture's
//   # lines were produced: the pairs were chosen by hand, the operator by Maven):
//   printf '1.0.RC1 1.0-RC1\n' | java -cp $J bench/MavenOrder.java pairs
//   # sort the arguments in Maven's order and chain them with < and =:
//   java -cp $J bench/MavenOrder.java chain 1.0-sp 1.0 1.0-rc1 1.0.1
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class MavenOrder {
    static String op(String a, String b) {
        int c = new ComparableVersion(a).compareTo(new ComparableVersion(b));
        return c < 0 ? "<" : c == 0 ? "=" : ">";
    }

    static String flip(String o) {
        return o.equals("<") ? ">" : o.equals(">") ? "<" : "=";
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: check FILE... | pairs | chain V...");
            System.exit(2);
        }
        switch (args[0]) {
            case "check": {
                int n = 0, bad = 0;
                for (int i = 1; i < args.length; i++) {
                    for (String line : Files.readAllLines(Path.of(args[i]), StandardCharsets.UTF_8)) {
                        String t = line.strip();
                        if (t.isEmpty() || t.startsWith("#") || t.startsWith("//")) continue;
                        String[] p = t.split(" ");
                        if (p.length != 3) {
                            System.out.println("malformed: " + t);
                            bad++;
                            continue;
                        }
                        n++;
                        String got = op(p[0], p[2]);
                        String back = op(p[2], p[0]);
                        if (!got.equals(p[1]) || !back.equals(flip(p[1]))) {
                            bad++;
                            System.out.println(args[i] + ": " + t + "  (Maven: " + p[0] + " " + got + " " + p[2] + ")");
                        }
                    }
                }
                System.out.println(n + " comparisons, " + bad + " disagree with Maven");
                System.exit(bad == 0 ? 0 : 1);
            }
            case "pairs": {
                BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    String[] p = line.strip().split("\\s+");
                    if (p.length != 2) {
                        System.out.println(line);
                        continue;
                    }
                    System.out.println(p[0] + " " + op(p[0], p[1]) + " " + p[1]);
                }
                break;
            }
            case "chain": {
                List<String> v = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
                v.sort((a, b) -> new ComparableVersion(a).compareTo(new ComparableVersion(b)));
                for (int i = 1; i < v.size(); i++) {
                    System.out.println(v.get(i - 1) + " " + op(v.get(i - 1), v.get(i)) + " " + v.get(i));
                }
                break;
            }
            default:
                System.err.println("unknown mode " + args[0]);
                System.exit(2);
        }
    }
}
