//! One parser per format; [`dispatch`] picks it.

pub(crate) mod cargo;
pub(crate) mod go;
pub(crate) mod js;
pub(crate) mod maven;
pub(crate) mod misc;
pub(crate) mod os;
pub(crate) mod python;
pub(crate) mod sbom;

use crate::util::{Out, R};
use crate::{Format, Limits};

pub(crate) fn dispatch(format: Format, text: &str, limits: &Limits, out: &mut Out) -> R {
    use Format::*;
    match format {
        CycloneDxJson => sbom::cyclonedx_json(text, out),
        CycloneDxXml => sbom::cyclonedx_xml(text, limits, out),
        SpdxJson => sbom::spdx_json(text, out),
        SpdxTagValue => sbom::spdx_tag_value(text, limits, out),
        NpmPackageLock => js::package_lock(text, out),
        YarnLock => js::yarn(text, limits, out),
        PnpmLock => js::pnpm(text, limits, out),
        PoetryLock => python::poetry_or_uv(text, false, out),
        UvLock => python::poetry_or_uv(text, true, out),
        PipfileLock => python::pipfile_lock(text, out),
        RequirementsTxt => python::requirements(text, limits, out),
        CargoLock => cargo::cargo_lock(text, limits, out),
        GoMod => go::go_mod(text, limits, out),
        GoSum => go::go_sum(text, limits, out),
        ComposerLock => misc::composer(text, out),
        GemfileLock => misc::gemfile(text, limits, out),
        MavenPom => maven::pom(text, limits, out),
        GradleLockfile => maven::gradle(text, limits, out),
        MixLock => misc::mix(text, limits, out),
        PubspecLock => misc::pubspec(text, limits, out),
        NugetPackagesLock => misc::nuget(text, out),
        SwiftPackageResolved => misc::package_resolved(text, out),
        PodfileLock => misc::podfile(text, limits, out),
        StackYamlLock => misc::stack_lock(text, limits, out),
        CabalFreeze => misc::cabal_freeze(text, limits, out),
        DpkgStatus => os::dpkg(text, limits, out),
        RpmQa => os::rpm_qa(text, limits, out),
        ApkInstalled => os::apk(text, limits, out),
    }?;
    // An SBOM names each rpm package's distribution in its purl, some
    // without an OSV ecosystem (CentOS, Fedora, ...): once the document is
    // read, one problem says those packages are not checked. (`rpm -qa`
    // output names no distribution and says so itself.)
    if matches!(
        format,
        CycloneDxJson | CycloneDxXml | SpdxJson | SpdxTagValue
    ) {
        sbom::explain_plain_rpm(out);
    }
    Ok(())
}
