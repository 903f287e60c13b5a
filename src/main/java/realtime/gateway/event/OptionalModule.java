package realtime.gateway.event;

import java.util.Optional;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.deser.std.ReferenceTypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.ReferenceType;

/**
 * Makes {@link Optional} record components three-valued: a key that is absent binds to Java
 * {@code null}, an explicit JSON {@code null} to {@code Optional.empty()}, a value to
 * {@code Optional.of(value)}. Jackson's own Optional support binds both of the first two to
 * {@code Optional.empty()}, which would turn "leave unchanged" into "clear" in a {@code session.update}.
 * Register after {@code Jdk8Module} (which still writes Optionals).
 */
public final class OptionalModule extends SimpleModule {

    public OptionalModule() {
        super("realtime-optional");
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addDeserializers(new Deserializers.Base() {
            @Override
            public JsonDeserializer<?> findReferenceDeserializer(ReferenceType refType, DeserializationConfig config,
                    BeanDescription beanDesc, TypeDeserializer contentTypeDeserializer,
                    JsonDeserializer<?> contentDeserializer) {
                if (refType.hasRawClass(Optional.class)) {
                    return new ThreeValued(refType, contentTypeDeserializer, contentDeserializer);
                }
                return null;
            }
        });
    }

    @Override
    public Object getTypeId() {
        return OptionalModule.class.getName();
    }

    private static final class ThreeValued extends ReferenceTypeDeserializer<Optional<?>> {

        @SuppressWarnings("unchecked")
        ThreeValued(ReferenceType type, TypeDeserializer typeDeser, JsonDeserializer<?> deser) {
            super(type, null, typeDeser, deser);
        }

        @Override
        protected ReferenceTypeDeserializer<Optional<?>> withResolved(TypeDeserializer typeDeser,
                JsonDeserializer<?> valueDeser) {
            return new ThreeValued((ReferenceType) _fullType, typeDeser, valueDeser);
        }

        @Override
        public Optional<?> getNullValue(DeserializationContext ctxt) {
            return Optional.empty();
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }

        @Override
        public Object getEmptyValue(DeserializationContext ctxt) {
            return Optional.empty();
        }

        @Override
        public Optional<?> referenceValue(Object contents) {
            return Optional.ofNullable(contents);
        }

        @Override
        public Optional<?> updateReference(Optional<?> reference, Object contents) {
            return Optional.ofNullable(contents);
        }

        @Override
        public Object getReferenced(Optional<?> reference) {
            return reference.orElse(null);
        }
    }
}
