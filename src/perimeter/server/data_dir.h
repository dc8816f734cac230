// The data directory of `perimeter serve`: created owner-only, held by one server at a time, and
// the place of `--demo`'s credentials.
//
// - Files: the process creates everything with umask 077 (the directory 0700; perimeter.db and
// SQLite's
//   -wal and -shm files, the lock file and the credentials file 0600), and tightens the modes of
//   those files when an earlier version left them readable by others.
// - One server per directory: `perimeter.lock` is locked with flock(LOCK_EX | LOCK_NB) for the life
// of
//   the server (the kernel releases it when the process ends, even on kill -9); a second server on
//   the same directory fails to start, naming the holder's pid.
// - `--demo` credentials: random access keys and secrets (OpenSSL RAND_bytes, the OS's generator)
// made at
//   the first start and written to `credentials` (an AWS CLI credentials file, 0600); later starts
//   read them back, so the keys stay valid across restarts.
#ifndef PERIMETER_SERVER_DATA_DIR_H_
#define PERIMETER_SERVER_DATA_DIR_H_

#include <string>

#include "absl/status/statusor.h"
#include "perimeter/server/config.h"

namespace perimeter::server {

// Holds the lock of a data directory while it lives.
class DataDirLock {
 public:
  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&&) = delete;
  ~DataDirLock();

 private:
  friend absl::StatusOr<DataDirLock> OpenDataDir(const std::string& path);
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

// Creates `path` (0700) if missing, tightens the modes of the files Perimeter keeps there, and
// locks it. Errors: FailedPrecondition when another process holds the lock (the message names its
// pid); Unavailable when the directory or the lock file cannot be created. REQUIRES: the process
// umask is 077 (SetOwnerOnlyUmask) so that what SQLite creates is owner-only.
absl::StatusOr<DataDirLock> OpenDataDir(const std::string& path);

// Sets the process umask to 077. `perimeter serve` calls it once at start, before any file is
// created.
void SetOwnerOnlyUmask();

// Gives `config`'s credentials (those of DemoConfig()) the keys kept in `credentials_path` when the
// file exists, else new random ones, written there (0600). An empty path: new random keys, nothing
// written. Errors: the file is unreadable or lacks a profile (InvalidArgument, naming the file:
// delete it to get new keys), or cannot be written.
absl::Status LoadOrCreateDemoKeys(ServerConfig& config, const std::string& credentials_path);

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_DATA_DIR_H_
