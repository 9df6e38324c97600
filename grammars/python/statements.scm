; Layer containers made of consecutive statements in one block. Each
; pattern captures one statement as @statement.<shape>; statements of the
; same shape that follow each other in a block form one container.
; @layer is the layer expression (its constructor names the layer) and
; @key, when present, names the layer instead of its position. The
; enclosing function is checked in code: `attribute` statements count in
; __init__ only, `chain` statements in call/forward only.

; model.add(Dense(64)) runs, grouped by @receiver
((expression_statement
  (call
    function: (attribute
      object: (_) @receiver
      attribute: (identifier) @method)
    arguments: (argument_list . (_) @layer .))) @statement.add
  (#eq? @method "add"))

; functional API: x = layers.Dense(64)(x)
(expression_statement
  (assignment
    left: (identifier)
    right: (call function: (call) @layer))) @statement.functional

; subclassed models: self.dense = Dense(64) in __init__
((expression_statement
  (assignment
    left: (attribute
      object: (identifier) @self
      attribute: (identifier) @key)
    right: (call) @layer)) @statement.attribute
  (#eq? @self "self"))

; subclassed models: x = self.dense(x) in call/forward
((expression_statement
  (assignment
    left: (identifier)
    right: (call
      function: (attribute
        object: (identifier) @self
        attribute: (identifier) @key)) @layer)) @statement.chain
  (#eq? @self "self"))
