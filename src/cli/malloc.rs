//! The C allocator tuned for long sweeps (glibc on Linux; elsewhere nothing).
//!
//! By default glibc gives memory back to the system as soon as more than 128 KB is free at the
//! top of a heap, and serves blocks above a threshold that starts at 128 KB by `mmap`. A sweep
//! frees a run's few hundred kilobytes after each run and a Parquet part's tens of megabytes
//! after each part, so it faulted the same pages in again and again: 13 page faults a run, 4-6%
//! of a 10,000-run sweep's CPU time in the kernel (docs/MODEL.md section 11). Blocks up to 32 MB
//! now come from the heap and up to 64 MB of free memory stays in it, which costs peak memory
//! (about 90 MB instead of 55 MB for a sweep of the default scenario on one thread) and saves
//! that time. Settings given in the environment (`MALLOC_TRIM_THRESHOLD_`,
//! `MALLOC_MMAP_THRESHOLD_`, `GLIBC_TUNABLES`) are left as they are.

/// Largest block served from the heap rather than by `mmap`.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD_BYTES: libc::c_int = 32 << 20;

/// Free memory kept at the top of a heap before it is given back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD_BYTES: libc::c_int = 64 << 20;

/// Tunes the allocator, before any thread starts.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
    let set_by_user = ["MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "GLIBC_TUNABLES"]
        .iter()
        .any(|name| std::env::var_os(name).is_some());
    if set_by_user {
        return;
    }
    // SAFETY: mallopt only sets two parameters of glibc's allocator, which it reads under its
    // own locks; called once, at the start of `main`.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
        libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES);
    }
}

/// Tunes the allocator: nothing to do outside glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}
