fn main() {
    napi_build::setup();
    // Record the target triple so `addonInfo()` can say which binary answered (glibc or musl build).
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=EIGHTBYEIGHT_TARGET={target}");
    // And whether it is optimised: the benchmark refuses to measure a debug build.
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=EIGHTBYEIGHT_PROFILE={profile}");
}
