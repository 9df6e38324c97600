; model.add(Dense(64)) statements; consecutive ones on the same @receiver
; in one block form one layer list. @layer is the layer expression.
((expression_statement
  (call
    function: (attribute
      object: (_) @receiver
      attribute: (identifier) @method)
    arguments: (argument_list . (_) @layer .))) @statement
  (#eq? @method "add"))
