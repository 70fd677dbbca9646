//! One Kannel process (bearerbox or smsbox): found on disk, started with its output in a file,
//! stopped with SIGTERM then SIGKILL, and never left behind.

use std::fs::File;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Where Debian puts Kannel; checked after `PATH`, which often lacks `sbin` for non-root users.
const SBIN: [&str; 2] = ["/usr/sbin", "/usr/local/sbin"];

pub struct Daemon {
    pub name: &'static str,
    child: Child,
    /// Its stdout and stderr (the config's `log-file` is separate).
    pub output: PathBuf,
    reaped: Option<ExitStatus>,
}

/// The path of a Kannel binary, or a panic saying how to install it.
pub fn find(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(SBIN.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "`{name}` not found (PATH, /usr/sbin): Kannel is not installed. \
                 Run scripts/test.sh, which installs the `kannel` package, or \
                 `apt-get install --no-install-recommends kannel`."
            )
        })
}

impl Daemon {
    /// `NAME -v 1 CONF`, output to `DIR/NAME.out`.
    pub fn spawn(name: &'static str, conf: &Path, dir: &Path) -> Daemon {
        let binary = find(name);
        let output = dir.join(format!("{name}.out"));
        let out = File::create(&output).expect("daemon output file");
        let err = out.try_clone().expect("daemon output file");
        let mut command = Command::new(&binary);
        command
            .arg("-v")
            .arg("1")
            .arg(conf)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err);
        // Should the test process die without dropping us, the kernel kills the daemon: it
        // gets SIGKILL when the thread that started it exits.
        // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        Daemon {
            name,
            child,
            output,
            reaped: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `Some(status)` once the process has exited.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        if self.reaped.is_none() {
            self.reaped = self.child.try_wait().ok().flatten();
        }
        self.reaped
    }

    /// Asks it to stop (SIGTERM); see [`Daemon::reap`].
    pub fn terminate(&mut self) {
        if self.exited().is_none() {
            // SAFETY: plain kill(2) on our own child, which has not been reaped yet.
            unsafe {
                libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
            }
        }
    }

    /// Waits for it to exit until `deadline`, then SIGKILLs it. Blocking: it runs from `Drop`.
    pub fn reap(&mut self, deadline: Instant) -> ExitStatus {
        while Instant::now() < deadline {
            if let Some(status) = self.exited() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let status = self.child.wait().expect("wait for a killed daemon");
        self.reaped = Some(status);
        status
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.exited().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The last `lines` lines of a file, or a note that it cannot be read.
pub fn tail(path: &Path, lines: usize) -> String {
    match std::fs::read(path) {
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("({e})"),
    }
}
