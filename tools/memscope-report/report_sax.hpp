// Builds a Report from nlohmann's SAX events, so that a report of hundreds of
// megabytes is read in one pass without a JSON tree in memory (a tree took
// about seven times the file's size).
#pragma once
#include "report_model.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace memscope::report {

// A SAX handler as nlohmann's sax_parse() takes it (a template parameter:
// no virtual calls per value).
class ReportSax {
public:
  explicit ReportSax(ReadMode mode = ReadMode::Tasks) : mode_(mode) {}

  using number_integer_t = nlohmann::json::number_integer_t;
  using number_unsigned_t = nlohmann::json::number_unsigned_t;
  using number_float_t = nlohmann::json::number_float_t;
  using string_t = nlohmann::json::string_t;
  using binary_t = nlohmann::json::binary_t;

  bool null();
  bool boolean(bool v);
  bool number_integer(number_integer_t v);
  bool number_unsigned(number_unsigned_t v);
  bool number_float(number_float_t v, const string_t &);
  bool string(string_t &v);
  bool binary(binary_t &);
  bool start_object(std::size_t);
  bool key(string_t &k);
  bool end_object();
  bool start_array(std::size_t);
  bool end_array();
  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &);

  // The report, or a ReportError naming the first problem (syntax, then
  // "not a memscope report", then the version, then the shape).
  Report finish();

private:
  // Where in the document the parser is. Anything the reader does not know
  // is skipped whole, so newer reports with more fields still read.
  enum class At : std::uint8_t {
    Skip,
    Root,
    Summary,
    NoTask,
    Allocator,
    Tasks,
    Task,
    TaskSpawnSite,
    TaskRootSite,
    TaskThreads,
    TaskOperations,
    Sites,
    Site,
    RootSites,
    RootSite,
    RootSiteRoot,
    FoldedList,
    Folded,
    Timeline,
    TimelineTypes,
    Samples,
    Sample,
    SampleByType,
    SampleTop,
    SampleTopPair,
  };
  struct Frame {
    At at;
    std::size_t elements = 0; // values seen so far in an array
  };

  // A scalar: its value as a byte count (if it is one) and its text.
  void scalar(bool is_u64, std::uint64_t v, const std::string *text);
  // A count the reader uses, checked against the schema's range: false
  // (and the first problem recorded, naming the field) when it is present
  // but not an integer in [min, max]; null counts as absent.
  bool count(bool is_u64, std::uint64_t v, std::uint64_t min = 0,
             std::uint64_t max = UINT64_MAX);
  std::string where() const; // "tasks[3]", "summary.no_task", ...
  // The operations object of the task being read (Task's operations).
  At child(bool object); // the frame a new container opens
  void fail(std::string message);
  void check_root_sites(); // after reading: kinds and site indices
  bool keep_going() const;

  void task_done(); // Totals: sum the task just read into its function's
  ReadMode mode_;
  std::map<std::pair<std::string, std::string>, Folded> totals_;
  std::vector<Frame> stack_;
  std::string key_;
  Report r_;
  bool root_seen_ = false, root_object_ = false;
  std::string format_;
  std::uint64_t version_ = 0;
  std::string version_text_ = "missing"; // as written, for the message
  std::string raw_;     // the scalar being read, as written (for messages)
  bool raw_null_ = false;
  bool summary_seen_ = false, tasks_seen_ = false, sites_seen_ = false;
  bool samples_seen_ = false, timeline_seen_ = false;
  std::vector<std::pair<std::string, std::uint64_t>> summary_values_;
  std::uint64_t pair_[2] = {0, 0};
  std::size_t pair_n_ = 0;
  std::string error_;        // first problem with the report's shape
  std::string syntax_error_; // from the parser
};

} // namespace memscope::report
