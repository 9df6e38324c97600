; Keras functional API: x = layers.Dense(64)(x). Consecutive such
; statements in one block form one layer list; @layer is the layer call.
(expression_statement
  (assignment
    left: (identifier)
    right: (call function: (call) @layer))) @statement
