#pragma once
// Results documents for the tests and the browser check.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stutter::reports::testing {

// A minimal valid result with every required field, plus stats and faults by phase.
nlohmann::json make_result(const std::string& scenario, const std::string& implementation, std::uint64_t seed,
                           const std::string& verdict = "pass", const std::string& category = "line");

// Turns a result into a failing one with an invariant, message, data diff, wire log and a
// timeline of `events` operations (every 7th one faulted).
nlohmann::json make_failing(nlohmann::json result, std::size_t events);

nlohmann::json make_document(std::vector<nlohmann::json> results, const std::string& shard = "1/1");

// An explore summary of `runs` runs over seeds first.., `failures` of them failing, for the stack line,length.
nlohmann::json make_explore_summary(const std::string& implementation, const std::string& role, std::uint64_t runs,
                                    std::uint64_t first_seed, std::uint64_t failures, std::uint64_t duration_ms);

// A failing explore run (marked "explore": true) of the line,length stack at `seed`.
nlohmann::json make_explore_failure(const std::string& implementation, const std::string& role, std::uint64_t seed);

// The identity of the plug-in the showcase runs at the server end.
inline const std::string plugin_path = "plugin:/opt/cframe/libcframe.so";
nlohmann::json plugin_identity();

// The untrusted strings the escaping tests plant, and their escaped forms written out by hand.
inline const std::string script_name = "<script>alert(1)</script>";
inline const std::string script_name_escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
inline const std::string quote_text = "zq \"double\" 'single' & amp";
inline const std::string quote_text_escaped = "zq &quot;double&quot; &#39;single&#39; &amp; amp";

// A realistic report: several categories and peers, a plug-in at the server end (with a crash and
// scenarios it did not run), every verdict, a failing run with a long timeline, explore totals
// with one failure, and a scenario named <script>alert(1)</script>.
nlohmann::json showcase_document();

}  // namespace stutter::reports::testing
