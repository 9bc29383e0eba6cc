// Takes the fields a score run needs out of one JSON line: the text (a string at a field path)
// and the values passed through to the output (an id, kept fields: any JSON type). One pass
// over the object with simdjson On-Demand; every value is checked, so a line that is not one
// well-formed JSON object is reported as such even where nothing was wanted from it.
//
// The paths are merged into a tree so "data.body" and "data.id" are found in one walk. The
// first occurrence of a duplicated member counts. A path may not lie inside another one (the
// one walk cannot both copy an object and look into it); the same path twice is fine.
#pragma once

#include "tabular/field_path.h"
#include "tabular/field_value.h"
#include "tabular/row_error.h"

#include <simdjson.h>

#include <boost/system/result.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace smlapi::tabular {

class JsonFields {
 public:
  // paths[0] is the text; the others are passed through. Refuses nested paths.
  static boost::system::result<JsonFields, FieldPathError> create(std::vector<FieldPath> paths);

  std::size_t size() const { return slot_count_; }

  // `line` must be followed by at least simdjson::SIMDJSON_PADDING readable bytes (the caller's
  // buffer). Fills values[i] for paths[i] (size() of them; texts point into the parser and
  // `line`, valid until the parser's next document). Also on missing_field and not_a_string,
  // so the other fields still reach the output.
  boost::system::result<void, RowError> extract(simdjson::ondemand::parser& parser,
                                                std::string_view line,
                                                std::span<FieldValue> values) const;

 private:
  struct Node {
    std::string key;
    std::vector<std::size_t> children;  // indexes into nodes_
    std::vector<std::size_t> slots;     // the paths that end here
  };

  simdjson::error_code walk_object(simdjson::ondemand::object object, std::size_t node,
                                   std::size_t depth, simdjson::ondemand::document& doc,
                                   std::span<FieldValue> values) const;
  simdjson::error_code capture(simdjson::ondemand::value value, const Node& node, std::size_t depth,
                               simdjson::ondemand::document& doc,
                               std::span<FieldValue> values) const;

  std::vector<Node> nodes_;  // nodes_[0]: the root object
  std::size_t slot_count_ = 0;
};

}  // namespace smlapi::tabular
