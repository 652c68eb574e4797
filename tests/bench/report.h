// Report: the results of one run as ordered key/value pairs, printed as one
// JSON object (--json, for compare.sh) or as aligned "key: value" text.
#ifndef CHATBENCH_REPORT_H_
#define CHATBENCH_REPORT_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace chatbench {

class Report {
 public:
  // Sets `key` (replacing an earlier value of the same key, keeping its position).
  void Set(const std::string& key, double value);
  void SetInt(const std::string& key, int64_t value);
  void SetString(const std::string& key, const std::string& value);
  // A value that is already JSON (an array or object); shown as is in text mode.
  void SetRaw(const std::string& key, const std::string& json);

  // Writes the report to `out`: JSON on one line, or text, one key per line.
  void Print(FILE* out, bool json) const;

  // JSON string literal for `s` (quotes and escapes included).
  static std::string Quote(const std::string& s);

 private:
  struct Entry {
    std::string key;
    std::string json;  // the value as JSON text
    std::string text;  // the value for text mode
  };
  void Put(const std::string& key, std::string json, std::string text);
  std::vector<Entry> entries_;
};

}  // namespace chatbench

#endif  // CHATBENCH_REPORT_H_
