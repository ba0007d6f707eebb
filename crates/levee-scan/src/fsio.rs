//! Directory listing and file reading for advisory loading, with as few
//! system calls as the platform allows.
//!
//! Why not `std::fs`: a cold `levee scan --advisories advisory-db` opens
//! ~900 directories and ~1,200 small files, and the kernel side of that was
//! most of its run time. Per directory, `std::fs::read_dir` costs `openat`,
//! `fstat` (glibc's `opendir`), two `getdents64` and `close`; per file,
//! `std::fs::read` / `read_to_end` add a `statx` and an `lseek` to size the
//! buffer. On Linux this module uses `rustix` instead: directories are opened
//! relative to their parent's descriptor (no path walk from the root each
//! time) and listed with `getdents64` into a reused 32 KiB buffer; files are
//! opened relative to their directory and read into a reused buffer until
//! end of file — `openat`, `read` ×2, `close` per file. Elsewhere it falls
//! back to `std::fs` with the same interface.

use std::ffi::OsString;
use std::io;
use std::path::Path;

/// What a directory entry is (symbolic links are not followed, as with
/// `std::fs::DirEntry::file_type`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum EntryKind {
    Dir,
    File,
    Other,
}

/// Scratch buffers reused across one worker's directories and files.
pub struct Scratch {
    /// File contents.
    pub file: Vec<u8>,
    #[cfg(target_os = "linux")]
    dents: Vec<std::mem::MaybeUninit<u8>>,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch {
            file: Vec::with_capacity(32 << 10),
            #[cfg(target_os = "linux")]
            dents: vec![std::mem::MaybeUninit::uninit(); 32 << 10],
        }
    }
}

/// The error for a file over the record limit (found without reading all
/// of it).
fn too_large(max: usize) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("file larger than the {max}-byte record limit"),
    )
}

#[cfg(target_os = "linux")]
mod imp {
    use super::{too_large, EntryKind, Scratch};
    use rustix::fs::{openat, statat, AtFlags, FileType, Mode, OFlags, RawDir, CWD};
    use std::ffi::{OsStr, OsString};
    use std::io;
    use std::os::fd::OwnedFd;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// An open directory.
    pub struct DirHandle(OwnedFd);

    fn kind(ft: FileType) -> EntryKind {
        match ft {
            FileType::Directory => EntryKind::Dir,
            FileType::RegularFile => EntryKind::File,
            _ => EntryKind::Other,
        }
    }

    impl DirHandle {
        /// Open `name` inside `parent`, or the path `name` itself.
        pub fn open(parent: Option<&DirHandle>, name: &Path) -> io::Result<Self> {
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let fd = match parent {
                Some(p) => openat(&p.0, name, flags, Mode::empty()),
                None => openat(CWD, name, flags, Mode::empty()),
            }?;
            Ok(DirHandle(fd))
        }

        /// Every entry but `.` and `..`, in directory order.
        pub fn entries(&self, scratch: &mut Scratch) -> io::Result<Vec<(OsString, EntryKind)>> {
            let mut out = Vec::new();
            let mut dir = RawDir::new(&self.0, &mut scratch.dents);
            while let Some(e) = dir.next() {
                let e = e?;
                let name = e.file_name().to_bytes();
                if name == b"." || name == b".." {
                    continue;
                }
                let k = match e.file_type() {
                    FileType::Unknown => kind(FileType::from_raw_mode(
                        statat(&self.0, e.file_name(), AtFlags::SYMLINK_NOFOLLOW)?.st_mode,
                    )),
                    ft => kind(ft),
                };
                out.push((OsStr::from_bytes(name).to_os_string(), k));
            }
            Ok(out)
        }

        /// Read the file `name` of this directory into `buf` (cleared first);
        /// a file over `max` bytes is an error.
        pub fn read(&self, name: &OsStr, buf: &mut Vec<u8>, max: usize) -> io::Result<()> {
            let fd = openat(
                &self.0,
                name,
                OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOCTTY,
                Mode::empty(),
            )?;
            buf.clear();
            loop {
                if buf.len() > max {
                    return Err(too_large(max));
                }
                if buf.capacity() - buf.len() < 4096 {
                    buf.reserve(buf.capacity().max(16 << 10));
                }
                match rustix::io::read(&fd, rustix::buffer::spare_capacity(buf)) {
                    Ok(0) => return Ok(()),
                    Ok(_) => {}
                    Err(rustix::io::Errno::INTR) => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::{too_large, EntryKind, Scratch};
    use std::ffi::{OsStr, OsString};
    use std::io::{self, Read};
    use std::path::{Path, PathBuf};

    /// An open directory (its path: the portable fallback).
    pub struct DirHandle(PathBuf);

    impl DirHandle {
        pub fn open(parent: Option<&DirHandle>, name: &Path) -> io::Result<Self> {
            let p = match parent {
                Some(p) => p.0.join(name),
                None => name.to_path_buf(),
            };
            if !std::fs::metadata(&p)?.is_dir() {
                return Err(io::Error::new(io::ErrorKind::Other, "not a directory"));
            }
            Ok(DirHandle(p))
        }

        pub fn entries(&self, _scratch: &mut Scratch) -> io::Result<Vec<(OsString, EntryKind)>> {
            let mut out = Vec::new();
            for e in std::fs::read_dir(&self.0)? {
                let e = e?;
                let ft = e.file_type()?;
                let k = if ft.is_dir() {
                    EntryKind::Dir
                } else if ft.is_file() {
                    EntryKind::File
                } else {
                    EntryKind::Other
                };
                out.push((e.file_name(), k));
            }
            Ok(out)
        }

        pub fn read(&self, name: &OsStr, buf: &mut Vec<u8>, max: usize) -> io::Result<()> {
            buf.clear();
            let f = std::fs::File::open(self.0.join(name))?;
            f.take(max as u64 + 1).read_to_end(buf)?;
            if buf.len() > max {
                return Err(too_large(max));
            }
            Ok(())
        }
    }
}

pub use imp::DirHandle;

/// Open a directory by path (the root of a walk).
pub fn open_root(path: &Path) -> io::Result<DirHandle> {
    DirHandle::open(None, path)
}

/// Open `name` inside `parent`.
pub fn open_in(parent: &DirHandle, name: &OsString) -> io::Result<DirHandle> {
    DirHandle::open(Some(parent), Path::new(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_entries_with_kinds_and_reads_relative_to_the_directory() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir(t.path().join("sub")).unwrap();
        std::fs::write(t.path().join("sub/a.md"), "hello").unwrap();
        std::fs::write(t.path().join("b.json"), "{}").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(t.path().join("sub"), t.path().join("link")).unwrap();

        let mut scratch = Scratch::new();
        let root = open_root(t.path()).unwrap();
        let mut entries = root.entries(&mut scratch).unwrap();
        entries.sort();
        let mut want = vec![
            (OsString::from("b.json"), EntryKind::File),
            (OsString::from("sub"), EntryKind::Dir),
        ];
        #[cfg(unix)]
        want.insert(1, (OsString::from("link"), EntryKind::Other));
        assert_eq!(entries, want, "no `.`/`..`; symlinks are not followed");

        let sub = open_in(&root, &OsString::from("sub")).unwrap();
        let mut buf = Vec::new();
        sub.read(std::ffi::OsStr::new("a.md"), &mut buf, 1 << 20)
            .unwrap();
        assert_eq!(buf, b"hello");
        // The buffer is reused: a second read replaces, not appends.
        root.read(std::ffi::OsStr::new("b.json"), &mut buf, 1 << 20)
            .unwrap();
        assert_eq!(buf, b"{}");
        assert!(
            open_in(&root, &OsString::from("b.json")).is_err(),
            "a file is not a directory"
        );
        assert!(sub
            .read(std::ffi::OsStr::new("missing"), &mut buf, 10)
            .is_err());
    }

    #[test]
    fn reads_large_files_whole_and_refuses_those_over_the_limit() {
        let t = tempfile::tempdir().unwrap();
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(t.path().join("big"), &big).unwrap();
        let root = open_root(t.path()).unwrap();
        let mut buf = Vec::new();
        root.read(std::ffi::OsStr::new("big"), &mut buf, big.len())
            .unwrap();
        assert_eq!(buf, big, "exactly at the limit is fine, over several reads");
        let e = root
            .read(std::ffi::OsStr::new("big"), &mut buf, big.len() - 1)
            .unwrap_err();
        assert!(e.to_string().contains("record limit"), "{e}");
    }

    #[test]
    fn lists_a_directory_larger_than_one_getdents_buffer() {
        let t = tempfile::tempdir().unwrap();
        // ~2,000 entries of 40+ bytes: several 32 KiB getdents64 calls.
        for i in 0..2_000 {
            std::fs::create_dir(t.path().join(format!("crate-with-a-longish-name-{i:05}")))
                .unwrap();
        }
        let mut scratch = Scratch::new();
        let entries = open_root(t.path()).unwrap().entries(&mut scratch).unwrap();
        assert_eq!(entries.len(), 2_000);
        assert!(entries.iter().all(|(_, k)| *k == EntryKind::Dir));
    }
}
