// A standalone model executable as the compiler generates it: a model
// descriptor plus a main that hands over to born_main. The model is the
// scaled-add test model on [3, 4, 5] (the shape of ONNX's test_add data).
#include "born/runtime.h"
#include "test_models.h"

int main(int argc, char **argv) {
  static born_test::ScaledAddModel *model =
      born_test::ScaledAddModel::create<60>({3, 4, 5}, "scaled_add");
  return born_main(&model->model(), argc, argv);
}
