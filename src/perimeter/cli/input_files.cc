#include "perimeter/cli/input_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <sstream>

#include "perimeter/base/issue.h"
#include "perimeter/json/document.h"

namespace perimeter::cli {

bool ReadInput(const std::string& path, std::istream& in, std::string& text, std::ostream& err) {
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    err << path << ": error: cannot open the file\n";
    return false;
  }
  // One read of the size the file system gives (a string stream would grow its buffer by doubling
  // and copy it at each step); whatever follows, if the file grew meanwhile or has no size (a
  // pipe), is appended by the stream.
  std::error_code error;
  uintmax_t size = std::filesystem::file_size(path, error);
  text.clear();
  if (!error && size > 0) {
    text.resize(static_cast<size_t>(size));
    file.read(text.data(), static_cast<std::streamsize>(size));
    text.resize(static_cast<size_t>(file.gcount()));
  }
  if (file.good()) {
    std::ostringstream rest;
    rest << file.rdbuf();
    text += std::move(rest).str();
  }
  if (file.bad()) {
    err << path << ": error: cannot read the file\n";
    return false;
  }
  return true;
}

FileLineSource::FileLineSource(std::string path) : path_(std::move(path)), buffer_(1 << 20) {
  Rewind();
}

bool FileLineSource::Rewind() {
  file_.close();
  file_.clear();
  file_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  file_.open(path_, std::ios::binary);
  number_ = 0;
  offset_ = 0;
  if (!file_) failed_ = true;
  return !failed_;
}

bool FileLineSource::NextLine(std::string& line, uint32_t& number, uint64_t& offset) {
  if (failed_ || !file_.good()) return false;
  // As resources::ReadInventory splits a text: at each '\n'; the text after the last one is a line
  // too (empty when the file ends with '\n', and then blank).
  if (!std::getline(file_, line)) {
    if (file_.bad()) failed_ = true;
    if (number_ > 0 || failed_) return false;
    line.clear();  // an empty file: one blank line, as ReadInventory sees it
  }
  number = ++number_;
  offset = offset_;
  offset_ += line.size() + 1;
  return true;
}

namespace {

// The next line of `file` that holds more than white space; false at the end.
bool NextNonBlankLine(std::ifstream& file, std::string& line) {
  while (std::getline(file, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

bool IsStreamableInventory(const std::string& path, const std::string& format) {
  if (path == "-" || (format != "auto" && format != "inventory")) return false;
  std::ifstream file(path, std::ios::binary);
  std::string first;
  if (!file || !NextNonBlankLine(file, first)) return false;
  char start = first[first.find_first_not_of(" \t\r")];
  if (format == "inventory") return start != '[';
  if (start != '{' || !json::Parse(first).ok()) return false;
  std::string next;
  return NextNonBlankLine(file, next);
}

bool ExpandPaths(const std::vector<std::string>& paths, const std::vector<std::string>& extensions,
                 std::vector<std::string>& files, std::ostream& err) {
  namespace fs = std::filesystem;
  for (const std::string& path : paths) {
    std::error_code error;
    if (path == "-" || fs::is_regular_file(path, error)) {
      files.push_back(path);
      continue;
    }
    if (!fs::is_directory(path, error)) {
      err << path << ": error: no such file or directory\n";
      return false;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(
             path, fs::directory_options::skip_permission_denied, error);
         it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (error) break;
      if (!it->is_regular_file(error)) continue;
      std::string name = it->path().string();
      bool wanted =
          std::any_of(extensions.begin(), extensions.end(), [&](const std::string& extension) {
            return name.size() >= extension.size() &&
                   name.compare(name.size() - extension.size(), extension.size(), extension) == 0;
          });
      if (wanted) found.push_back(std::move(name));
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return true;
}

bool WriteOutput(const std::string& path, const std::string& text, std::ostream& out,
                 std::ostream& err) {
  if (path.empty()) {
    out << text << std::flush;
    return true;
  }
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (!file) {
    err << path << ": error: cannot write the output\n";
    return false;
  }
  return true;
}

std::optional<std::vector<findings::ArchiveRule>> ReadArchiveRules(const std::string& path,
                                                                   std::istream& in,
                                                                   std::ostream& err) {
  std::string text;
  if (!ReadInput(path, in, text, err)) return std::nullopt;
  std::vector<base::Issue> issues;
  std::optional<std::vector<findings::ArchiveRule>> rules =
      findings::ParseArchiveRules(text, issues);
  for (const base::Issue& issue : issues) err << base::FormatIssue(issue, path, text) << "\n";
  return rules;
}

}  // namespace perimeter::cli
