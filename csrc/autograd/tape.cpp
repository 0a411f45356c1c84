#include "tape.h"

#include <algorithm>

#include "../core/variable.h"
#include "../ops/attrs.h"
#include "../ops/ops.h"

namespace pt::autograd {

Tensor RowGradient::to_dense() const { return ops::unsorted_segment_sum(values, indices, dense_shape[0]); }

void Tape::watch(const Tensor& t) {
  if (tracked_.insert(t.id()).second) watched_.push_back(t);
}

void Tape::watch_variable(const Variable& v) {
  if (watched_variables_.insert(v.uid()).second) watched_variable_order_.emplace_back(v.uid(), &v);
}

void Tape::push() { thread_state().tapes.push_back(this); }

void Tape::pop() {
  auto& tapes = thread_state().tapes;
  auto it = std::find(tapes.rbegin(), tapes.rend(), this);
  if (it != tapes.rend()) tapes.erase(std::next(it).base());
}

void Tape::reset() {
  nodes_.clear();
  tracked_.clear();
  watched_.clear();
  watched_variables_.clear();
  watched_variable_order_.clear();
  variable_reads_.clear();
  row_gathers_.clear();
  used_ = false;
}

void Tape::add_node(std::shared_ptr<Node> node) {
  for (const Tensor& o : node->outputs) tracked_.insert(o.id());
  nodes_.push_back(std::move(node));
}

void Tape::on_variable_read(const Variable& v, const Tensor& value) {
  bool watch = watched_variables_.count(v.uid()) != 0;
  if (!watch && watch_accessed_variables_ && v.trainable()) {
    watch_variable(v);
    watch = true;
  }
  if (!watch) return;
  tracked_.insert(value.id());
  variable_reads_.emplace_back(value, v.uid());
}

namespace {

/** Dtypes the sweep passes gradients to: the floating and the complex ones (TF's rule). */
bool differentiable_dtype(DType d) { return is_floating(d) || is_complex(d); }

void accumulate(std::unordered_map<const TensorImpl*, Tensor>& grads, const TensorImpl* id, const Tensor& g) {
  auto it = grads.find(id);
  if (it == grads.end()) grads.emplace(id, g);
  else it->second = ops::binary(OpId::add, it->second, g);
}

}  // namespace

std::vector<Tensor> Tape::gradient(const std::vector<Tensor>& targets, const std::vector<Source>& sources,
                                   const std::vector<Tensor>& output_grads, bool consume,
                                   const GradientReadyFn& on_ready, std::vector<RowGradient>* rows,
                                   const std::vector<Tensor>& stops) {
  const bool release = consume && !persistent_;
  if (used_ && !persistent_)
    throw RuntimeError(
        "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians); "
        "create it with GradientTape(persistent=True) to call gradient() more than once");
  // The sweep's own ops must not be recorded on this tape; outer tapes do record them.
  bool was_paused = paused_;
  paused_ = true;
  struct Restore {
    Tape* t;
    bool p;
    ~Restore() { t->paused_ = p; }
  } restore{this, was_paused};
  std::vector<Tensor> result;
  try {
    result = sweep(targets, sources, output_grads, release, on_ready, rows, stops);
  } catch (...) {
    // A throwing gradient formula or ready callback may have freed part of the sweep: the tape is spent.
    if (release) release_all();
    throw;
  }
  if (release) release_all();
  return result;
}

void Tape::release_all() {
  used_ = true;
  nodes_.clear();
  variable_reads_.clear();
  row_gathers_.clear();
  watched_.clear();
  tracked_.clear();
}

std::vector<Tensor> Tape::sweep(const std::vector<Tensor>& targets, const std::vector<Source>& sources,
                                const std::vector<Tensor>& output_grads, bool release,
                                const GradientReadyFn& on_ready, std::vector<RowGradient>* rows,
                                const std::vector<Tensor>& stops) {
  // Forward reachability from the sources: only those nodes need gradient formulas. It does not pass through a
  // stop, and a stop's producer gets no gradient from it.
  std::unordered_set<const TensorImpl*> stopped;
  for (const Tensor& t : stops) stopped.insert(t.id());
  std::unordered_set<const TensorImpl*> relevant;
  std::unordered_set<uint64_t> source_vars;
  for (const Source& s : sources) {
    if (s.variable) source_vars.insert(s.variable);
    else relevant.insert(s.tensor.id());
  }
  for (const auto& [value, uid] : variable_reads_)
    if (source_vars.count(uid)) relevant.insert(value.id());
  std::vector<char> node_relevant(nodes_.size(), 0);
  bool any_gather = false;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = *nodes_[i];
    bool any = false;
    for (const Tensor& in : n.inputs) any = any || relevant.count(in.id());
    if (any) {
      node_relevant[i] = 1;
      any_gather = any_gather || (n.op == OpId::gather && row_gathers_.count(n.outputs[0].id()));
      for (const Tensor& o : n.outputs)
        if (!stopped.count(o.id())) relevant.insert(o.id());
    }
  }

  // A user's axis-0 gathers (mark_row_gather) straight from a source (a watched tensor or a source variable's read
  // value that no relevant node computes) give it rows, as TF's gather gradient gives IndexedSlices: row_grads
  // collects them, and a source whose gradient is only rows gets them as such. Only sweeps with such a gather look.
  std::unordered_set<const TensorImpl*> row_sources;
  std::unordered_map<const TensorImpl*, std::vector<RowGradient>> row_grads;
  if (rows && any_gather) {
    rows->assign(sources.size(), RowGradient());
    for (const Source& s : sources)
      if (!s.variable) row_sources.insert(s.tensor.id());
    for (const auto& [value, uid] : variable_reads_)
      if (source_vars.count(uid)) row_sources.insert(value.id());
    for (size_t i = 0; i < nodes_.size(); ++i)
      if (node_relevant[i])
        for (const Tensor& o : nodes_[i]->outputs) row_sources.erase(o.id());
  }

  // A source's gradient is final once the sweep has passed the first relevant node reading it (the sweep runs
  // backwards): ready_after[node] lists the sources then final; those no node reads are final from the start.
  // Without a callback every source is finished after the sweep, and this analysis is skipped (the tape step's cost).
  std::vector<std::vector<size_t>> ready_after(on_ready ? nodes_.size() + 1 : 0);
  if (on_ready) {
    std::unordered_map<const TensorImpl*, std::vector<size_t>> source_of_value;
    for (size_t k = 0; k < sources.size(); ++k) {
      const Source& s = sources[k];
      if (!s.variable) source_of_value[s.tensor.id()].push_back(k);
      for (const auto& [value, uid] : variable_reads_)
        if (s.variable && uid == s.variable) source_of_value[value.id()].push_back(k);
    }
    std::vector<size_t> first_reader(sources.size(), nodes_.size());
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!node_relevant[i]) continue;
      for (const Tensor& in : nodes_[i]->inputs) {
        auto it = source_of_value.find(in.id());
        if (it == source_of_value.end()) continue;
        for (size_t k : it->second) first_reader[k] = std::min(first_reader[k], i);
      }
    }
    for (size_t k = 0; k < sources.size(); ++k) ready_after[first_reader[k]].push_back(k);
  }

  std::unordered_map<const TensorImpl*, Tensor> grads;
  std::vector<Tensor> result(sources.size());
  auto finish_source = [&](size_t k) {
    const Source& s = sources[k];
    std::vector<const RowGradient*> parts;  // the source's row gradients
    auto take_rows = [&](const TensorImpl* id) {
      auto it = row_grads.find(id);
      if (it != row_grads.end())
        for (const RowGradient& r : it->second) parts.push_back(&r);
    };
    if (!s.variable) {
      auto it = grads.find(s.tensor.id());
      if (it != grads.end()) result[k] = it->second;
      if (!row_grads.empty()) take_rows(s.tensor.id());
    } else {
      // A variable read several times: the sum of its reads' gradients.
      for (const auto& [value, uid] : variable_reads_) {
        if (uid != s.variable) continue;
        if (!row_grads.empty()) take_rows(value.id());
        auto it = grads.find(value.id());
        if (it == grads.end()) continue;
        result[k] = result[k].defined() ? ops::binary(OpId::add, result[k], it->second) : it->second;
      }
    }
    if (!parts.empty()) {
      // As TF aggregates: rows alone stay rows (concatenated, int64 ids when their dtypes differ); rows beside a
      // dense gradient are added to it densely.
      if (result[k].defined()) {
        for (const RowGradient* r : parts) result[k] = ops::binary(OpId::add, result[k], r->to_dense());
      } else if (parts.size() == 1) {
        (*rows)[k] = *parts[0];
      } else {
        std::vector<Tensor> values, indices;
        bool mixed = false;
        for (const RowGradient* r : parts) mixed = mixed || r->indices.dtype() != parts[0]->indices.dtype();
        for (const RowGradient* r : parts) {
          values.push_back(r->values);
          indices.push_back(mixed ? ops::cast(r->indices, DType::Int64) : r->indices);
        }
        (*rows)[k] = {ops::concat(values, 0), ops::concat(indices, 0), parts[0]->dense_shape};
      }
    }
    if (on_ready) on_ready(k, result[k]);
  };
  auto finish = [&](size_t node_or_start) {  // with a callback: as the sweep passes each node
    if (on_ready)
      for (size_t k : ready_after[node_or_start]) finish_source(k);
  };
  for (size_t i = 0; i < targets.size(); ++i) {
    const Tensor& t = targets[i];
    Tensor g = (i < output_grads.size() && output_grads[i].defined()) ? output_grads[i] : ops::ones_like(t, std::nullopt);
    if (relevant.count(t.id())) accumulate(grads, t.id(), g);
  }
  finish(nodes_.size());

  for (size_t i = nodes_.size(); i-- > 0;) {
    if (!node_relevant[i]) continue;
    Node& n = *nodes_[i];
    std::vector<Tensor> out_grads(n.outputs.size());
    bool any = false;
    for (size_t k = 0; k < n.outputs.size(); ++k) {
      if (stopped.count(n.outputs[k].id())) continue;
      auto it = grads.find(n.outputs[k].id());
      if (it != grads.end()) {
        out_grads[k] = it->second;
        any = true;
      }
    }
    if (any) {
      for (size_t k = 0; k < n.outputs.size(); ++k)
        // An unused output's gradient: a zero broadcast, no memory to fill, which kernels may skip (the fused RNNs).
        if (!out_grads[k].defined())
          out_grads[k] = ops::broadcast_to(ops::zeros({}, n.outputs[k].dtype()), n.outputs[k].shape());
      n.wants_grad.assign(n.inputs.size(), 0);
      for (size_t k = 0; k < n.inputs.size(); ++k)
        n.wants_grad[k] = relevant.count(n.inputs[k].id()) && differentiable_dtype(n.inputs[k].dtype());
      std::vector<Tensor> in_grads;
      if (!row_sources.empty() && n.op == OpId::gather && n.wants_grad[0] && row_sources.count(n.inputs[0].id()) &&
          row_gathers_.count(n.outputs[0].id()) && n.attr<attrs::Gather>().axis == 0 &&
          n.attr<attrs::Gather>().batch_dims == 0) {
        // TF's gather gradient: the upstream rows, one per index, kept as rows of the source.
        const Tensor& params = n.inputs[0];
        const Tensor& ids = n.inputs[1];
        Shape values_shape{ids.numel()};
        values_shape.insert(values_shape.end(), params.shape().begin() + 1, params.shape().end());
        row_grads[params.id()].push_back(
            {ops::reshape(out_grads[0], values_shape), ops::reshape(ids, {ids.numel()}), params.shape()});
      } else if (n.custom_grad) {
        in_grads = n.custom_grad(out_grads);
      } else if (GradFormula f = gradient_formula(n.op)) {
        in_grads = f(n, out_grads);
      }
      for (size_t k = 0; k < n.inputs.size() && k < in_grads.size(); ++k) {
        const Tensor& in = n.inputs[k];
        if (!in_grads[k].defined() || !relevant.count(in.id()) || !differentiable_dtype(in.dtype())) continue;
        accumulate(grads, in.id(), in_grads[k]);
      }
    }
    if (release && nodes_[i].use_count() == 1) {
      // Free what the sweep no longer needs: this node's saved tensors (unless an outer tape shares the node).
      n.inputs.clear();
      n.outputs.clear();
      n.saved.clear();
      n.custom_grad = nullptr;
    }
    finish(i);
  }
  if (!on_ready)
    for (size_t k = 0; k < sources.size(); ++k) finish_source(k);
  return result;
}

void mark_row_gather(const Tensor& output) {
  if (thread_state().suspended) return;
  for (TapeRecorder* recorder : thread_state().tapes) {
    auto* tape = static_cast<Tape*>(recorder);  // only Tape::push puts recorders on the stack
    if (!tape->paused()) tape->on_row_gather(output);
  }
}

void on_variable_read(const Variable& v, const Tensor& value) {
  if (thread_state().suspended) return;
  for (TapeRecorder* recorder : thread_state().tapes) {
    auto* tape = static_cast<Tape*>(recorder);  // only Tape::push puts recorders on the stack
    if (!tape->paused()) tape->on_variable_read(v, value);
  }
}

namespace {
// Variable lives in core, which includes no layer above it: it reaches the tapes and the copy kernel through
// these hooks. This file is linked wherever an op is (ops record on tapes), so every Variable finds them set.
const bool variable_hooks_installed = [] {
  variable_hooks() = {&on_variable_read, &ops::copy_into};
  return true;
}();
}  // namespace

}  // namespace pt::autograd
