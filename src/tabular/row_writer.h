// Writes scored rows as JSON lines or CSV (RFC 4180, comma, CRLF-free: LF line ends).
//
// One row: the passed-through fields (id, kept fields) in the order given, then "label" and
// the model's outputs, then any extra per-row JSON fields the caller declared in the layout
// (room for more per-row information, such as explanations). A row that could not be scored
// keeps its passed-through fields and gets "error" instead of label and outputs, so the output
// has one row per input row, in order.
//
//   JSON lines: {"id":7,"label":"POSITIVE","neg":0.0,"neu":0.4,"pos":0.6,"compound":0.6696}
//               {"id":8,"error":"invalid_utf8"}
//   CSV:        id,label,neg,neu,pos,compound,error
//               7,POSITIVE,0.0,0.4,0.6,0.6696,
//               8,,,,,,invalid_utf8
//
// In CSV a passed-through JSON value other than a string is written as its JSON text, and an
// extra field as JSON text in its column. A missing passed-through field is null in JSON lines
// and an empty field in CSV.
#pragma once

#include "tabular/field_value.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::tabular {

enum class OutputFormat { jsonl, csv };

struct OutputColumn {
  std::string name;
  bool integer = false;  // written as an integer (INT64 outputs), else as a JSON number
};

struct OutputLayout {
  std::vector<std::string> passthrough;  // output names of the id and kept fields
  std::vector<OutputColumn> outputs;     // the model's outputs, in its order
  std::vector<std::string> extra;        // further per-row JSON fields
};

class RowWriter {
 public:
  RowWriter(OutputFormat format, OutputLayout layout);

  const OutputLayout& layout() const { return layout_; }

  // The first line of the output: CSV's header; nothing for JSON lines.
  void begin(std::string& out) const;

  // passthrough and extra_json hold one entry per layout name; extra_json holds JSON texts.
  void scored(std::string& out, std::span<const FieldValue> passthrough, std::string_view label,
              std::span<const double> outputs, std::span<const std::string_view> extra_json) const;
  void failed(std::string& out, std::span<const FieldValue> passthrough,
              std::string_view error) const;

 private:
  void passthrough_json(std::string& out, std::span<const FieldValue> values) const;
  void passthrough_csv(std::string& out, std::span<const FieldValue> values) const;
  void append_label_and_outputs(std::string& out, std::string_view label,
                                std::span<const double> outputs) const;

  OutputFormat format_;
  OutputLayout layout_;
  // `"name":` for each layout name, escaped once rather than per row (JSON lines only).
  std::vector<std::string> passthrough_keys_;
  std::vector<std::string> output_keys_;
  std::size_t output_keys_bytes_ = 0;
  std::vector<std::string> extra_keys_;
};

// One CSV field, quoted when it holds a comma, a quote, CR or LF (quotes doubled).
void append_csv_field(std::string& out, std::string_view text);

}  // namespace smlapi::tabular
