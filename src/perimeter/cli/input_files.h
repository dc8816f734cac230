// Reading the files a command names: "-" for standard input, directories walked recursively.
#ifndef PERIMETER_CLI_INPUT_FILES_H_
#define PERIMETER_CLI_INPUT_FILES_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "perimeter/findings/archive_rule.h"

namespace perimeter::cli {

// Reads `path` ("-" for `in`). Returns false, with a message on `err`, when it cannot.
bool ReadInput(const std::string& path, std::istream& in, std::string& text, std::ostream& err);

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
