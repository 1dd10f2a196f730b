"""19.0.1.1.0: health data is no longer tracked; remove the copies earlier versions left in the chatter."""


def migrate(cr, version):
    cr.execute(
        """
        DELETE FROM mail_tracking_value value
         USING ir_model_fields field
         WHERE value.field_id = field.id
           AND field.model = 'childcare.medical.sheet'
           AND field.name IN ('allergies', 'treatments', 'diet', 'is_vaccination_up_to_date')
        """
    )
