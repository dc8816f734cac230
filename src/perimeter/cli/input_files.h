// Reading the files a command names: "-" for standard input, directories walked recursively.
#ifndef PERIMETER_CLI_INPUT_FILES_H_
#define PERIMETER_CLI_INPUT_FILES_H_

#include <cstdint>
#include <fstream>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "perimeter/analysis/streamed_analysis.h"
#include "perimeter/findings/archive_rule.h"

namespace perimeter::cli {

// Reads `path` ("-" for `in`). Returns false, with a message on `err`, when it cannot.
bool ReadInput(const std::string& path, std::istream& in, std::string& text, std::ostream& err);

// The lines of a file read through a buffer of its own, for a streamed analysis: memory does not
// grow with the file. Rewind reopens it.
class FileLineSource : public analysis::LineSource {
 public:
  explicit FileLineSource(std::string path);
  // Whether the file opened; false after a read error too.
  bool ok() const { return !failed_; }
  const std::string& path() const { return path_; }
  bool NextLine(std::string& line, uint32_t& number, uint64_t& offset) override;
  bool Rewind() override;

 private:
  std::string path_;
  std::ifstream file_;
  std::vector<char> buffer_;
  uint32_t number_ = 0;
  uint64_t offset_ = 0;
  bool failed_ = false;
};

// Whether the file `path` is a JSON Lines inventory that can be streamed, judged from its first
// lines without reading the rest: with `format` "inventory", its first character other than
// white space is not '['; with "auto", its first record line is one JSON object and another line
// follows it (so the file is not one JSON document: ingest::DetectInputFormat takes it for an
// inventory). Otherwise (other formats, a JSON array, a single-record file) the file is read whole.
bool IsStreamableInventory(const std::string& path, const std::string& format);

// Expands directories into the files under them whose names end with one of `extensions`, sorted;
// files and "-" are kept as given. Returns false, with a message on `err`, for a path that does not
// exist.
bool ExpandPaths(const std::vector<std::string>& paths, const std::vector<std::string>& extensions,
                 std::vector<std::string>& files, std::ostream& err);

// Writes a command's report to `path`, or to `out` when `path` is empty. Returns false, with a
// message on `err`, when the file cannot be written.
bool WriteOutput(const std::string& path, const std::string& text, std::ostream& out,
                 std::ostream& err);

// Reads the archive rules file `path` (docs/archive-rules.md) of --archive-rules; nullopt, with the
// positioned problems on `err`, when it cannot be read or has an error.
std::optional<std::vector<findings::ArchiveRule>> ReadArchiveRules(const std::string& path,
                                                                   std::istream& in,
                                                                   std::ostream& err);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_INPUT_FILES_H_
