; Layer containers made of consecutive statements in one block. Each
; pattern captures one statement as @statement; statements of the same
; pattern that follow each other in a block form one container.
; @layer is the layer expression (its constructor names the layer) and
; @key, when present, names the layer instead of its position.

; model.add(Dense(64)) runs, grouped by @receiver
(expression_statement
  (call
    function: (attribute
      object: (_) @receiver
      attribute: (identifier) @method)
    arguments: (argument_list . (_) @layer .))
  (#eq? @method "add")) @statement.add

; functional API: x = layers.Dense(64)(x)
(expression_statement
  (assignment
    left: (identifier)
    right: (call function: (call) @layer))) @statement.functional

; subclassed models: self.dense = Dense(64) in __init__
(function_definition
  name: (identifier) @function
  body: (block
    (expression_statement
      (assignment
        left: (attribute
          object: (identifier) @self
          attribute: (identifier) @key)
        right: (call) @layer)) @statement.attribute)
  (#eq? @function "__init__")
  (#eq? @self "self"))

; subclassed models: x = self.dense(x) in call/forward
(function_definition
  name: (identifier) @function
  body: (block
    (expression_statement
      (assignment
        left: (identifier)
        right: (call
          function: (attribute
            object: (identifier) @self
            attribute: (identifier) @key)) @layer)) @statement.chain)
  (#match? @function "^(call|forward)$")
  (#eq? @self "self"))
