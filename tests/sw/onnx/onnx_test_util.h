// Builds small ONNX models and tensors with the protobuf API for the tests.
#pragma once

#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace nnvp::test {

inline onnx::TensorProto float_tensor(const std::string& name, const std::vector<int64_t>& dims,
                                      const std::vector<float>& values) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
        t.add_dims(d);
    for (float v : values)
        t.add_float_data(v);
    return t;
}

inline onnx::TensorProto int64_tensor(const std::string& name, const std::vector<int64_t>& dims,
                                      const std::vector<int64_t>& values) {
    onnx::TensorProto t;
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims)
        t.add_dims(d);
    for (int64_t v : values)
        t.add_int64_data(v);
    return t;
}

inline void add_value_info(onnx::ValueInfoProto* v, const std::string& name,
                           const std::vector<int64_t>& dims,
                           int32_t type = onnx::TensorProto::FLOAT) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    for (int64_t d : dims)
        tt->mutable_shape()->add_dim()->set_dim_value(d);
}

inline onnx::NodeProto* add_node(onnx::GraphProto* g, const std::string& op,
                                 const std::vector<std::string>& ins,
                                 const std::vector<std::string>& outs, const std::string& name) {
    onnx::NodeProto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& i : ins)
        n->add_input(i);
    for (const auto& o : outs)
        n->add_output(o);
    return n;
}

inline void set_int(onnx::NodeProto* n, const std::string& name, int64_t v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
}

inline void set_ints(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v)
        a->add_ints(x);
}

inline void set_string(onnx::NodeProto* n, const std::string& name, const std::string& v) {
    auto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
}

inline onnx::ModelProto new_model(int64_t opset = 13) {
    onnx::ModelProto m;
    m.set_ir_version(7);
    auto* o = m.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    m.mutable_graph()->set_name("test");
    return m;
}

// A file under the test temp dir, removed by the destructor.
struct temp_file {
    std::string path;
    explicit temp_file(const std::string& name)
        : path((std::filesystem::temp_directory_path() /
                ("nnvp_onnx_" + std::to_string(::getpid()) + "_" + name))
                   .string()) {}
    ~temp_file() { std::filesystem::remove(path); }
    void write(const std::string& bytes) const { std::ofstream(path, std::ios::binary) << bytes; }
};

}  // namespace nnvp::test
