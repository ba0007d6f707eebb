//! Red Hat rpm purls without a readable `distro=` take their RHEL release
//! from `repository_id=`, as Red Hat's own SBOMs and CSAF/VEX files write
//! it (Red Hat's purl and scanner guidance: the repository id maps to the
//! platform CPE, `rhel-9-for-x86_64-appstream-rpms` to
//! `enterprise_linux:9::appstream`, `…-eus-rpms__9_DOT_2` to
//! `rhel_eus:9.2::appstream`). Only the RHEL major a repository id names is
//! taken, and a minor only where a `__9_DOT_2` suffix pins one; any other
//! repository id leaves the purl loose (no release: every Red Hat release
//! matches).

use levee_inventory::{parse_purl, Ecosystem};

/// Red Hat purl (`pkg:rpm/redhat/openssl@3.0.7-18.el9_2?…`) with these
/// qualifiers → the release it gets (`None`: loose).
const CASES: &[(&str, Option<&str>)] = &[
    // Main streams: the major only (one repository serves every minor).
    (
        "arch=x86_64&repository_id=rhel-9-for-x86_64-appstream-rpms",
        Some("9"),
    ),
    (
        "arch=x86_64&repository_id=rhel-9-for-aarch64-baseos-rpms",
        Some("9"),
    ),
    (
        "arch=src&repository_id=rhel-9-for-x86_64-appstream-source-rpms",
        Some("9"),
    ),
    (
        "arch=x86_64&repository_id=rhel-8-for-x86_64-baseos-rpms",
        Some("8"),
    ),
    ("arch=x86_64&repository_id=rhel-7-server-rpms", Some("7")),
    ("arch=x86_64&repository_id=rhel-6-server-rpms", Some("6")),
    // Extended streams pinned to a minor by the `__<major>_DOT_<minor>`
    // suffix (RHEL 7 adds `__<arch>`).
    (
        "arch=x86_64&repository_id=rhel-9-for-x86_64-appstream-eus-rpms__9_DOT_2",
        Some("9.2"),
    ),
    (
        "arch=x86_64&repository_id=rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_2",
        Some("9.2"),
    ),
    (
        "arch=src&repository_id=rhel-9-for-aarch64-appstream-e4s-source-rpms__9_DOT_4",
        Some("9.4"),
    ),
    (
        "arch=src&repository_id=rhel-9-for-x86_64-appstream-aus-source-rpms__9_DOT_4",
        Some("9.4"),
    ),
    (
        "arch=src&repository_id=rhel-8-for-ppc64le-baseos-eus-source-rpms__8_DOT_8",
        Some("8.8"),
    ),
    (
        "arch=x86_64&repository_id=rhel-8-for-x86_64-nfv-tus-rpms__8_DOT_4",
        Some("8.4"),
    ),
    (
        "arch=src&repository_id=rhel-8-for-x86_64-sap-solutions-e4s-source-rpms__8_DOT_2",
        Some("8.2"),
    ),
    (
        "arch=x86_64&repository_id=rhel-7-server-eus-rpms__7_DOT_7__x86_64",
        Some("7.7"),
    ),
    (
        "arch=s390x&repository_id=rhel-7-for-system-z-eus-rpms__7_DOT_7__s390x",
        Some("7.7"),
    ),
    (
        "arch=x86_64&repository_id=rhel-ha-for-rhel-7-server-eus-rpms__7_DOT_7__x86_64",
        Some("7.7"),
    ),
    // RHEL 10 pins the minor of its main stream too.
    (
        "arch=src&repository_id=rhel-10-for-ppc64le-appstream-source-rpms__10_DOT_0",
        Some("10.0"),
    ),
    // Any case.
    (
        "arch=x86_64&repository_id=RHEL-9-for-x86_64-AppStream-EUS-rpms__9_dot_2",
        Some("9.2"),
    ),
    // Extended-stream repositories without the suffix serve every minor of
    // the stream: the major only.
    (
        "arch=x86_64&repository_id=rhel-8-for-x86_64-baseos-eus-rpms",
        Some("8"),
    ),
    (
        "arch=src&repository_id=rhel-9-for-ppc64le-baseos-aus-source-rpms",
        Some("9"),
    ),
    (
        "arch=x86_64&repository_id=rhel-9-for-x86_64-baseos-e4s-rpms",
        Some("9"),
    ),
    // Repositories built for a RHEL major (`…-for-rhel-9-…`); another
    // product's version in the id (`4.14`, `7.4`, `2.4`, `5`) is not it.
    (
        "arch=x86_64&repository_id=codeready-builder-for-rhel-9-x86_64-rpms",
        Some("9"),
    ),
    (
        "arch=x86_64&repository_id=codeready-builder-for-rhel-8-x86_64-eus-rpms__8_DOT_6",
        Some("8.6"),
    ),
    (
        "arch=x86_64&repository_id=rhel-sap-hana-for-rhel-7-server-e4s-rpms",
        Some("7"),
    ),
    (
        "arch=x86_64&repository_id=fast-datapath-for-rhel-8-x86_64-rpms",
        Some("8"),
    ),
    (
        "arch=x86_64&repository_id=rhocp-4.14-for-rhel-9-x86_64-rpms",
        Some("9"),
    ),
    (
        "arch=noarch&repository_id=jb-eap-7.4-for-rhel-8-x86_64-rpms",
        Some("8"),
    ),
    (
        "arch=noarch&repository_id=ansible-automation-platform-2.4-for-rhel-9-x86_64-rpms",
        Some("9"),
    ),
    (
        "arch=x86_64&repository_id=rhceph-5-tools-for-rhel-9-x86_64-rpms",
        Some("9"),
    ),
    // Universal Base Image repositories, as the images' ubi.repo and
    // Konflux lock files name them.
    ("arch=x86_64&repository_id=ubi-9-appstream-rpms", Some("9")),
    ("arch=x86_64&repository_id=ubi-9-baseos-rpms", Some("9")),
    (
        "arch=x86_64&repository_id=ubi-9-codeready-builder-rpms",
        Some("9"),
    ),
    ("arch=x86_64&repository_id=ubi-8-baseos", Some("8")),
    ("arch=src&repository_id=ubi-8-appstream-source", Some("8")),
    ("arch=x86_64&repository_id=ubi-10-baseos-rpms", Some("10")),
    (
        "arch=x86_64&repository_id=ubi-9-for-x86_64-appstream-rpms",
        Some("9"),
    ),
    (
        "arch=x86_64&repository_id=codeready-builder-for-ubi-9-x86_64-rpms",
        Some("9"),
    ),
    // A readable `distro=` comes first; an unreadable one gives way.
    (
        "arch=x86_64&distro=rhel-9.4&repository_id=rhel-9-for-x86_64-appstream-eus-rpms__9_DOT_2",
        Some("9.4"),
    ),
    (
        "arch=x86_64&distro=el9&repository_id=rhel-9-for-x86_64-appstream-eus-rpms__9_DOT_2",
        Some("9"),
    ),
    (
        "arch=x86_64&distro=redhat&repository_id=rhel-9-for-x86_64-appstream-eus-rpms__9_DOT_2",
        Some("9.2"),
    ),
    // An unreadable suffix, or another part (an arch, `7Server`), pins
    // nothing; the major stays.
    (
        "arch=x86_64&repository_id=rhel-9-for-x86_64-appstream-eus-rpms__9_DOT_",
        Some("9"),
    ),
    (
        "arch=x86_64&repository_id=rhel-7-server-rpms__7Server__x86_64",
        Some("7"),
    ),
    // Loose: no repository id, or one that names no RHEL release.
    ("arch=x86_64", None),
    ("arch=x86_64&repository_id=", None),
    ("arch=noarch&repository_id=epel", None),
    ("arch=x86_64&repository_id=epel-9-everything", None),
    ("arch=x86_64&repository_id=epel__9_DOT_2", None),
    ("arch=x86_64&repository_id=appstream", None),
    ("arch=x86_64&repository_id=baseos", None),
    ("arch=x86_64&repository_id=fedora", None),
    ("arch=x86_64&repository_id=myrepo", None),
    (
        "arch=x86_64&repository_id=centos-9-stream-appstream-rpms",
        None,
    ),
    // Not Red Hat's repository labels: a bare `rhel-8`, a release that is
    // not a plain major, no major at all.
    ("arch=noarch&repository_id=rhel-8", None),
    ("arch=noarch&repository_id=ubi-9", None),
    (
        "arch=x86_64&repository_id=rhel-9.2-for-x86_64-baseos-rpms",
        None,
    ),
    (
        "arch=x86_64&repository_id=rhel-x-for-x86_64-baseos-rpms",
        None,
    ),
    ("arch=x86_64&repository_id=rhel-atomic-host-rpms", None),
    (
        "arch=x86_64&repository_id=not-rhel-9-for-x86_64-baseos-rpms",
        None,
    ),
    // A suffix that contradicts the major: no release rather than a guess.
    (
        "arch=x86_64&repository_id=rhel-9-for-x86_64-appstream-eus-rpms__8_DOT_6",
        None,
    ),
    (
        "arch=x86_64&repository_id=rhel-9-for-rhel-8-x86_64-rpms",
        None,
    ),
];

#[test]
fn redhat_purls_take_the_release_of_their_repository_id() {
    for (quals, want) in CASES {
        let s = format!("pkg:rpm/redhat/openssl@3.0.7-18.el9_2?{quals}");
        let p = parse_purl(&s).unwrap_or_else(|| panic!("{s}: no purl"));
        let (eco, name, release) = p.osv().unwrap_or_else(|| panic!("{s}: no ecosystem"));
        assert_eq!(
            (eco, name.as_str(), release.as_deref()),
            (Ecosystem::RedHat, "openssl", *want),
            "{s}"
        );
    }
}

/// Older syft's `rhel` namespace reads the same; other rpm distributions
/// (no RHEL releases in their OSV ecosystems, or none at all) do not take a
/// release from a repository id.
#[test]
fn repository_id_release_is_red_hat_only() {
    let osv = |s: &str| parse_purl(s).and_then(|p| p.osv());
    assert_eq!(
        osv("pkg:rpm/rhel/bash@5.1.8-6.el9?repository_id=rhel-9-for-x86_64-baseos-eus-rpms__9_DOT_2"),
        Some((Ecosystem::RedHat, "bash".into(), Some("9.2".into())))
    );
    for s in [
        "pkg:rpm/centos/bash@5.1.8-6.el9?repository_id=rhel-9-for-x86_64-baseos-rpms",
        "pkg:rpm/almalinux/bash@5.1.8-6.el9?repository_id=rhel-9-for-x86_64-baseos-rpms",
        "pkg:rpm/rocky/bash@5.1.8-6.el9?repository_id=ubi-9-baseos-rpms",
        "pkg:rpm/fedora/bash@5.2.15-3.fc38?repository_id=rhel-9-for-x86_64-baseos-rpms",
    ] {
        assert_eq!(osv(s).and_then(|(_, _, r)| r), None, "{s}");
    }
}

proptest::proptest! {
    /// Any repository id: no panic, and a release only of a major written
    /// in the id after `rhel-` or `ubi-`.
    #[test]
    fn any_repository_id_reads_without_panic(parts in proptest::collection::vec(
        proptest::sample::select(vec![
            "rhel", "ubi", "for", "-", "--", "_", "__", "_DOT_", "_dot_", "9", "10", "8.6",
            "99999999999", "x86_64", "eus", "rpms", "source", "%5F", "é", "\u{0}", "&", "=",
        ]),
        0..24,
    )) {
        let id: String = parts.concat();
        let s = format!("pkg:rpm/redhat/openssl@3.0.7?repository_id={id}");
        if let Some((_, _, Some(r))) = parse_purl(&s).and_then(|p| p.osv()) {
            let major = r.split('.').next().unwrap_or_default();
            let lower = id.to_ascii_lowercase();
            proptest::prop_assert!(
                lower.contains(&format!("rhel-{major}-")) || lower.contains(&format!("ubi-{major}-")),
                "{} -> {}", id, r
            );
        }
    }
}
