fn main() {
    napi_build::setup();
    // Record the target triple so `addonInfo()` can say which binary answered (glibc or musl build).
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=EIGHTBYEIGHT_TARGET={target}");
}
