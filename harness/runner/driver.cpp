#include "runner/driver.hpp"

#include <algorithm>

#include "runner/tls_layer.hpp"
#include "scenario/names.hpp"

namespace stutter::runner {

using scenario::accepts_error;
using scenario::step_kind;
using sim::actor_state;

std::string_view to_string(protocol_phase p) {
  switch (p) {
    case protocol_phase::handshake: return "handshake";
    case protocol_phase::data: return "data";
    case protocol_phase::renegotiation: return "renegotiation";
    case protocol_phase::close: return "close";
  }
  return "data";
}

std::string error_name(const std::error_code& ec) {
  std::string name = ec.message();
  name = name.substr(0, name.find(':'));
  return name.substr(0, name.find(" ("));  // "reserved_bits (1002)" names reserved_bits
}

endpoint_driver::endpoint_driver(scenario::endpoint_id self, const scenario::endpoint& spec, stack& layers,
                                 sim::network& net, endpoint_observations& seen)
    : self_(self),
      spec_(spec),
      layers_(layers),
      net_(net),
      seen_(seen),
      duplex_protocol_(tls_view_of(layers) != nullptr ||
                       std::find(spec.stack.begin(), spec.stack.end(), scenario::layer::websocket) != spec.stack.end()) {
  seen_.buffer_capacity = spec_.config.buffer_capacity;
  set_phase(layers_.active().is_handshake() ? protocol_phase::handshake : protocol_phase::data);
}

void endpoint_driver::set_phase(protocol_phase p) { net_.set_phase(self_, static_cast<std::uint8_t>(p)); }

void endpoint_driver::app_event(std::string_view op, std::uint64_t requested, const io_result& r) {
  sim::trace_event ev;
  ev.time = net_.now();
  ev.endpoint = self_;
  ev.layer = scenario::to_string(layers_.active_layer());
  ev.op = op;
  ev.requested = requested;
  ev.result = r.st;
  ev.moved = r.n;
  ev.error = r.ec;
  ev.phase = net_.phase(self_);
  net_.log().record(ev);
}

actor_state endpoint_driver::advance() {
  ++step_;
  seen_.steps_done = step_;
  raw_sent_ = 0;
  if (const auto allocated = layers_.active().input_allocated()) {
    seen_.max_buffer = std::max(seen_.max_buffer, *allocated);
  }
  return actor_state::runnable;
}

actor_state endpoint_driver::fail(const io_result& r, std::string what) {
  seen_.unexpected_error = endpoint_observations::deviation{step_, std::move(what), r.ec};
  done_ = true;
  net_.abort(self_);
  return actor_state::done;
}

// A waiting result must have a reason below it (status.meaning): the lower stream
// returned a waiting result during this very call, in the direction the result names.
actor_state endpoint_driver::wait_for(const io_result& r, op_dir dir, std::uint64_t waits_before) {
  const tap_stream& tap = layers_.tap();
  op_dir wait = dir;
  if (r.st == status::need_read) wait = op_dir::read;
  if (r.st == status::need_write) wait = op_dir::write;
  if (!seen_.status_violation) {
    if (tap.waits() == waits_before) {
      seen_.status_violation = {step_, std::string(to_string(r.st)) + " returned although the stream beneath did not wait"};
    } else if ((tap.last_wait() == tap_stream::wait_dir::read) != (wait == op_dir::read)) {
      seen_.status_violation = {step_, std::string(to_string(r.st)) + " names the other direction than the stream beneath waits on"};
    }
  }
  if (wait == op_dir::read) return actor_state::wait_read;
  // Over TLS or WebSocket a wait to write may be a wait on the peer, which may itself be
  // waiting to write until this side reads: wait for either, as those streams ask
  // (stutter/tls/tls_stream.hpp, stutter/ws/websocket.hpp).
  return duplex_protocol_ ? actor_state::wait_write_or_read : actor_state::wait_write;
}

// The stream is broken now; nothing else can follow. Over TLS the application makes the
// cleanup call first (it flushes this side's fatal alert, so the peer fails with the same
// cause), retrying it a bounded number of times, then closes its socket; when the retries run
// out it drops the connection as close() with unread data does.
actor_state endpoint_driver::end_after_expected_error() {
  seen_.finished = true;
  byte_stream* tls = tls_view_of(layers_) != nullptr ? layers_.transform() : nullptr;
  if (tls != nullptr && linger_retries_ < max_linger_retries) {
    lingering_ = true;
    ++linger_retries_;
    io_result r = tls->shutdown_write();
    app_event("cleanup", 0, r);
    if (r.waiting()) return actor_state::runnable;
    done_ = true;
    // A stream whose cleanup left its write side open (the contract does not say it shuts
    // it) must not leave the peer waiting for bytes that will never come.
    net_.close_after_cleanup(self_);
    return actor_state::done;
  }
  done_ = true;
  net_.abort(self_);
  return actor_state::done;
}

actor_state endpoint_driver::step() {
  if (done_) return actor_state::done;
  if (lingering_) return end_after_expected_error();
  phase& active = layers_.active();
  if (active.is_handshake()) {
    const std::uint64_t before = layers_.tap().waits();
    io_result r = active.open();
    app_event("open", 0, r);
    if (r.waiting()) return wait_for(r, r.st == status::need_write ? op_dir::write : op_dir::read, before);
    if (!r.ok()) {
      // A refused handshake is what an expect_error step may be waiting for.
      const bool expected = step_ < spec_.workload.size() && spec_.workload[step_].kind == step_kind::expect_error &&
                            r.st == status::error && accepts_error(spec_.workload[step_], error_name(r.ec));
      if (!expected) return fail(r, "handshake failed");
      seen_.steps_done = step_ + 1;
      return end_after_expected_error();
    }
    layers_.switch_phase();
    set_phase(protocol_phase::data);
    return actor_state::runnable;
  }
  if (step_ >= spec_.workload.size()) {
    seen_.finished = true;
    done_ = true;
    return actor_state::done;
  }
  return run_step(spec_.workload[step_]);
}

actor_state endpoint_driver::run_step(const scenario::step& s) {
  phase& active = layers_.active();
  const std::uint64_t before = layers_.tap().waits();
  const std::size_t phase_index = layers_.phase_index();
  switch (s.kind) {
    case step_kind::send: {
      io_result r = active.send(s.data, s.type);
      app_event("send", s.data.size(), r);
      if (r.waiting()) return wait_for(r, op_dir::write, before);
      if (!r.ok()) return fail(r, "send failed");
      seen_.sent.push_back({phase_index, s.type, s.data});
      return advance();
    }
    case step_kind::expect:
    case step_kind::expect_eof:
    case step_kind::expect_error: {
      scenario::message_type type{};
      io_result r = active.receive(inbox_, type);
      app_event("receive", 0, r);
      if (r.waiting()) return wait_for(r, op_dir::read, before);
      if (r.ok()) seen_.delivered.push_back({phase_index, type, inbox_});
      const bool wanted = (s.kind == step_kind::expect && r.ok()) ||
                          (s.kind == step_kind::expect_eof && r.st == status::eof) ||
                          (s.kind == step_kind::expect_error && r.st == status::error && accepts_error(s, error_name(r.ec))) ||
                          // By close code: any error, or the end of the stream (the peer's own wording is its
                          // business); ws_checks judges the close frame it sent.
                          (s.kind == step_kind::expect_error && !s.close_codes.empty() &&
                           (r.st == status::error || r.st == status::eof));
      if (wanted) {
        if (s.kind == step_kind::expect && (inbox_ != s.data || type != s.type) && !seen_.mismatch) {
          seen_.mismatch = {step_, "received record differs from the expected one", {}};
        }
        if (s.kind == step_kind::expect_error) return end_after_expected_error();
        return advance();
      }
      if (r.st == status::error && s.kind != step_kind::expect_error) return fail(r, "receive failed");
      std::string what = "expected ";
      what += scenario::to_string(s.kind);
      if (s.kind == step_kind::expect_error) {
        what.append(" ").append(s.error);
        for (const auto& other : s.other_errors) what.append(" or ").append(other);
      }
      what.append(", got ").append(to_string(r.st));
      if (r.ec) what.append(" ").append(error_name(r.ec));
      if (!seen_.mismatch) seen_.mismatch = {step_, what, r.ec, r.st == status::eof};
      done_ = true;
      net_.abort(self_);
      return actor_state::done;
    }
    case step_kind::switch_phase:
      app_event("switch", 0, io_result::done(0));
      if (!layers_.switch_phase()) {
        return fail(io_result::failed(std::make_error_code(std::errc::invalid_argument)), "no phase to switch to");
      }
      return advance();
    case step_kind::close: {
      set_phase(protocol_phase::close);
      io_result r = active.close(s.code);
      app_event("close", 0, r);
      if (r.waiting()) return wait_for(r, op_dir::write, before);
      if (!r.ok()) return fail(r, "close failed");
      return advance();
    }
    case step_kind::raw: {
      const_bytes rest = const_bytes(s.data).subspan(raw_sent_);
      io_result r = rest.empty() ? io_result::done(0) : layers_.socket().write_some(rest);
      app_event("raw", rest.size(), r);
      if (r.waiting()) return r.st == status::need_read ? actor_state::wait_read : actor_state::wait_write;
      if (!r.ok()) return fail(r, "raw write failed");
      raw_sent_ += r.n;
      if (raw_sent_ < s.data.size()) return actor_state::runnable;
      return advance();
    }
    case step_kind::ping: {
      io_result r = active.ping(s.data);
      app_event("ping", s.data.size(), r);
      if (r.waiting()) return wait_for(r, op_dir::write, before);
      if (!r.ok()) return fail(r, "ping failed");
      return advance();
    }
    case step_kind::renegotiate:
    case step_kind::key_update: {
      auto* control = dynamic_cast<renegotiation_control*>(layers_.transform());
      if (!control) {
        return fail(io_result::failed(std::make_error_code(std::errc::not_supported)),
                    "renegotiation needs a tls layer");
      }
      set_phase(protocol_phase::renegotiation);
      const std::error_code ec =
          s.kind == step_kind::renegotiate ? control->renegotiate(s.delay)
                                            : control->key_update(/*update_requested=*/true, s.delay);
      app_event(s.kind == step_kind::renegotiate ? "renegotiate" : "key_update", 0,
                ec ? io_result::failed(ec) : io_result::done(0));
      if (ec) return fail(io_result::failed(ec), "renegotiation could not start");
      ++seen_.renegotiations_requested;
      return advance();
    }
  }
  return advance();
}

}  // namespace stutter::runner
