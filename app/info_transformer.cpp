#include "app/info_transformer.h"

#include <fstream>
#include <nlohmann/json.hpp>

#include "app/format.h"
#include "app/info_general.h"

namespace nnvp {

int print_transformer_info(std::ostream& out, std::ostream& err,
                           const transformers::transformer_config& c,
                           transformers::transformer_shape shape, bool json,
                           const std::string& export_path) {
    try {
        shape = transformers::resolve_shape(c, shape);
        const onnx::ModelProto m = transformers::build_transformer(c, shape, 1);
        if (!export_path.empty()) {
            std::ofstream f(export_path, std::ios::binary);
            if (!f || !m.SerializeToOstream(&f))
                throw std::runtime_error("--export " + export_path + ": cannot write the model");
            err << "nnvp info: wrote " << export_path << "\n";
        }
        const int context = shape.past + shape.tokens + shape.capacity;
        const uint64_t per_token = transformers::macs_per_token(c, context);
        nlohmann::json extra = {
            {"architecture", c.summary},
            {"pass", shape.capacity > 0
                         ? "batch " + std::to_string(shape.batch) +
                               ", a decode step over a static cache of " +
                               std::to_string(shape.capacity) + " slots"
                         : "batch " + std::to_string(shape.batch) + ", " +
                               std::to_string(shape.tokens) + " tokens after " +
                               std::to_string(shape.past) + " cached"},
            {"parameters_expected", transformers::parameter_count(c)},
            {"macs_per_token", per_token},
            {"macs_per_token_formula",
             "layers x (hidden x (2 hidden + 2 kv_heads x head_dim) + " +
                 std::string(c.fam == transformers::family::llama ? "3" : "2") +
                 " hidden x ffn + 2 context x hidden)" + (c.decoder() ? " + hidden x vocab" : "") +
                 " = " + grouped(per_token) + " at context " + std::to_string(context)}};
        if (c.published_params)
            extra["parameters_published"] = grouped(c.published_params);
        print_model_info(out, m, std::string("zoo transformer ") + c.name, c.name, json, {}, extra);
        return 0;
    } catch (const std::exception& e) {
        err << "nnvp info: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace nnvp
